# paytoken — one entry point for building, demoing, testing and benchmarking.
#
#   make demo   build everything, start the simulator, run each language's example
#   make check  the quick loop while developing (a few minutes warm, after `make deps` once):
#               formatting, clippy, the Rust unit and integration suites, the C tests, and
#               each binding's own suite against target/release (each checks its C
#               declarations against include/paytoken_ffi.h)
#   make test   the full gate: install what the suites need, then run every test suite,
#               the cross builds under qemu, packaging and the fuzz smoke
#   make dist   release artefacts for every platform in dist/, with dist/SHA256SUMS
#   make install PREFIX=/usr/local   the C library, headers and pkg-config file (DESTDIR works)
#   make soak   C, Python and Node under random faults for SOAK_SECONDS (600); RELIABILITY.md
#   make dist-bindings   the Python, Node, PHP and Java packages in dist/<lang>/, from the
#               released libraries in dist/native (`make dist-native`)
#
# Each binding owns bindings/<lang>/Makefile with the targets deps, test, demo (and
# bench); this file only builds the native parts and calls them.

CARGO    ?= cargo
LIB      := target/release/libpaytoken.so
SIM      := target/release/paytoken-sim
BINDINGS := python php node java
export PAYTOKEN_SIM := $(CURDIR)/$(SIM)

.PHONY: all lib sim build demo demo-c check check-suites check-c $(addprefix check-,$(BINDINGS)) test test-spring test-rust test-declarations test-cli test-headers test-c test-sim-sdk deps \
        $(addprefix test-,$(BINDINGS)) $(addprefix demo-,$(BINDINGS)) $(addprefix deps-,$(BINDINGS)) \
        headers bench soak soak-deps test-soak clean dist dist-native dist-c dist-bindings install test-platforms test-packaging test-versions versions-table lint test-docs test-readmes sanitize fuzz test-fuzz

all: build

build: lib sim

# libpaytoken.so carries the SONAME libpaytoken.so.0: programs linked with -lpaytoken
# look for that name at run time. The same cargo build makes target/release/paytoken,
# the command (src/bin/paytoken; statically linked to the library, ships beside it).
lib:
	$(CARGO) build --release -p paytoken
	ln -sf libpaytoken.so target/release/libpaytoken.so.0

sim:
	$(CARGO) build --release -p paytoken-sim

# ---------------------------------------------------------------- demo
# The same dependency step as `make test`: a fresh machine has no PHP, Composer, JDK...
demo: deps build
	@scripts/with-sim.sh $(MAKE) --no-print-directory demo-c $(addprefix demo-,$(BINDINGS))

# The per-language demos expect PAYTOKEN_SIM_URL (set by with-sim.sh in `make demo`).
demo-c:
	@$(MAKE) --no-print-directory -C examples/c run

$(addprefix demo-,$(BINDINGS)): demo-%:
	@$(MAKE) --no-print-directory -C bindings/$* demo

# ---------------------------------------------------------------- test
deps: $(addprefix deps-,$(BINDINGS))
	@scripts/install-system-deps.sh

$(addprefix deps-,$(BINDINGS)): deps-%:
	@$(MAKE) --no-print-directory -C bindings/$* deps

test: deps build lint test-docs test-rust test-headers test-c $(addprefix test-,$(BINDINGS)) test-spring test-declarations test-versions test-readmes test-sim-sdk test-soak test-platforms test-packaging test-fuzz
	@tests/versions/table.py --check
	@echo "make test: all suites passed"

# The quick loop: what a change to one module needs before `make test`. It installs
# nothing system-wide (run `make deps` once), does not run the header regeneration
# (`make headers`) or any cross build, and fails if a suite rewrote a tracked file.
check:
	@scripts/keeps-tree.sh $(MAKE) --no-print-directory check-suites
	@echo "make check: all passed, no tracked file changed"

# Each suite's `check` target is its `test` without what only packaging needs (the
# Python wheel, npm pack and tsc, the packaged Java jar) and with 1,000 instead of 10,000
# async C calls under valgrind; the proofs that the declaration tests can fail
# (test-declarations) are make test's. Each skipped piece is named when the suite ends.
check-suites: lint test-docs build test-rust check-c $(addprefix check-,$(BINDINGS))

check-c: build
	$(MAKE) --no-print-directory -C tests/c check

$(addprefix check-,$(BINDINGS)): check-%: build
	$(MAKE) --no-print-directory -C bindings/$* check

# The Rust tests build in their own target directory. `cargo test` compiles the library
# with the features its dev-dependency (the simulator: tokio, rustls with tls12...)
# switches on in shared crates, `make lib` without them, and both write the same
# unhashed target/release/libpaytoken.*: sharing one directory, each undid the other
# and every `make check` recompiled the library and relinked every test (about 195 s of
# a 459 s run at load 20).
RUST_TEST_DIR := $(CURDIR)/target/rust-tests
CARGO_TEST    := CARGO_TARGET_DIR=$(RUST_TEST_DIR) $(CARGO) test

test-rust:
	$(CARGO_TEST) --workspace --release

# The paytoken command against the simulator: tests/cli.rs, tests/cli_errors.rs and its
# unit tests (all also part of test-rust).
test-cli:
	$(CARGO_TEST) --release -p paytoken --test cli --test cli_errors --bin paytoken

# The checked-in headers must be exactly what cbindgen generates from the source; the
# second script proves the check fails on a broken generation or a stale header.
test-headers: lib
	scripts/check-headers.sh
	scripts/test-check-headers.sh

# Each binding's suite compares its C declarations with include/paytoken_ffi.h; this
# proves those tests fail on a changed signature, a changed callback or a new function.
test-declarations: lib
	scripts/test-binding-declarations.sh

# docs/c-api.md names every C function, status, config key and per-call option; the
# README's vocabulary table names only what each binding has (the second run proves the
# check catches a renamed name).
test-docs:
	scripts/check-docs.sh
	scripts/check-vocabulary.py
	scripts/check-vocabulary.py --self-test
	scripts/test-bench-load-gate.sh

# Formatting and clippy are hard checks (release profile: shares the build's dependencies).
# check-boundary: no C type, export or `unsafe` outside src/ffi and src/sys (its
# --self-test plants one of each and sees it caught).
lint:
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
	scripts/check-boundary.sh
	scripts/check-boundary.sh --self-test
	$(CARGO) fmt --all --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml --all --check
	$(CARGO) clippy --workspace --release --all-targets -- -D warnings

test-c: build
	$(MAKE) --no-print-directory -C tests/c test

# The simulator driven by PortOne's own SDKs (installed under ~/.cache/paytoken/sim-sdk).
test-sim-sdk: sim
	sim/sdk-tests/run.sh

$(addprefix test-,$(BINDINGS)): test-%: build
	$(MAKE) --no-print-directory -C bindings/$* test

# The Spring Boot starter booted in a web application, on Spring Boot 2.7 and 3.x (its README
# properties included): a few minutes, so in make test only, not in make check.
test-spring: build
	$(MAKE) --no-print-directory -C bindings/java test-spring

# ---------------------------------------------------------------- soak
# The library under load and faults in C, Python and Node at once (soak/run.py): nothing
# lost, nothing answered twice, no call past its deadline, token requests bounded, no
# unsafe resend, resources flat, no secret in any output. `make soak` runs SOAK_SECONDS
# (600) and writes RELIABILITY.md; `make test-soak` runs a minute, asserts, writes nothing,
# then runs soak/sabotage.sh (each assertion seen failing when its property is broken).
SOAK_SECONDS ?= 600
SOAK_DRIVER  := target/soak/driver

$(SOAK_DRIVER): soak/driver.c soak/driver_util.c soak/driver_util.h include/paytoken.h $(LIB)
	@mkdir -p $(@D)
	$(CC) -O2 -g -Wall -Wextra -Werror -pthread -Iinclude soak/driver.c soak/driver_util.c -o $@ \
	  -Ltarget/release -lpaytoken -Wl,-rpath,$(CURDIR)/target/release

soak-deps: build deps-python deps-node
	@$(MAKE) --no-print-directory $(SOAK_DRIVER)

soak: soak-deps
	SOAK_SECONDS=$(SOAK_SECONDS) scripts/soak.sh --report RELIABILITY.md

test-soak: soak-deps
	SOAK_SECONDS=60 scripts/soak.sh
	soak/sabotage.sh

# ---------------------------------------------------------------- release
# dist/native/<platform>/libpaytoken.so.<version> for the four platforms (cargo-zigbuild + zig,
# glibc >= 2.17 and musl), built in target/dist-native; target/release is not touched.
dist-native:
	scripts/dist/build-native.sh

# dist/paytoken-<version>-<platform>.tar.gz: the C artefacts.
dist-c: dist-native
	scripts/dist/package-c.sh

# Each binding that has a `dist` target packs its own artefacts from dist/native.
dist-bindings: dist-native
	@for lang in $(BINDINGS); do \
	  if grep -qE '^dist[[:space:]]*:' bindings/$$lang/Makefile; then \
	    $(MAKE) --no-print-directory -C bindings/$$lang dist || exit 1; \
	  fi; \
	done

# SHA256SUMS last, over every other file in dist/.
dist: dist-native dist-c dist-bindings
	scripts/dist/sha256sums.sh

PREFIX ?= /usr/local
DESTDIR ?=
install: lib
	scripts/dist/install-c.sh $(LIB) "$(DESTDIR)$(PREFIX)" "$(PREFIX)" target/release/paytoken
	@echo "installed into $(DESTDIR)$(PREFIX); run ldconfig if that is a system prefix"

# The released libraries and C artefacts: ELF checks, the tarball installed outside the
# checkout, and the C API test on Debian 11, musl and aarch64 (glibc and musl, under qemu).
test-platforms: dist-c dist-bindings build
	tests/platforms/run.sh

# Each binding's suites on the oldest version its package promises and the newest to be had
# (PHP 7.4 in the Debian 11 root, Python 3.8 and 3.13, Node 24, Java 11; tests/versions/).
# Every passed run, these and make test-<lang>'s, is a line of target/versions/results.tsv;
# README's version table must match it (checked here and at the end of make test, never
# rewritten by them: `make versions-table` rewrites it).
test-versions: build
	tests/versions/run.sh

versions-table:
	tests/versions/table.py --write

# Every package installed as its users install it, outside the checkout, without cargo.
test-packaging: deps sim dist-bindings
	tests/packaging/run.sh

# Every code block of the READMEs runs against the simulator (```lang norun: not run).
test-readmes: build $(addprefix deps-,$(BINDINGS))
	scripts/test-readme-snippets.sh
	scripts/readme-snippets.py

# Fuzzing (nightly Rust, libFuzzer; scripts/fuzz.sh): `make fuzz` runs every target for
# FUZZ_SECONDS and keeps the grown corpus under ~/.cache/paytoken/fuzz-corpus; `make test`
# runs a short smoke of each from the checked-in seeds (fuzz/corpus).
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
fuzz:
	FUZZ_CORPUS=$(HOME)/.cache/paytoken/fuzz-corpus scripts/fuzz.sh $(FUZZ_SECONDS)

test-fuzz:
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

# AddressSanitizer (C API test, Rust integration tests) and ThreadSanitizer (cache
# concurrency tests), nightly Rust; CI runs it after make test (.ci/run).
sanitize: sim
	scripts/sanitize.sh

# The only way include/ is written: a normal build generates the headers into its OUT_DIR
# only (scripts/check-headers.sh compares include/ with that generation).
headers:
	PAYTOKEN_WRITE_HEADERS=1 $(CARGO) build --release -p paytoken

bench: build
	scripts/bench.sh

clean:
	$(CARGO) clean
