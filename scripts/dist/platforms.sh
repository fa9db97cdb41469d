# The released platforms: one line per platform, "<dist name> <cargo-zigbuild target> <rust triple>".
# Sourced by the dist scripts and the platform tests, so the list exists once.
# shellcheck shell=bash
PAYTOKEN_PLATFORMS="\
linux-x86_64-gnu   x86_64-unknown-linux-gnu.2.17  x86_64-unknown-linux-gnu
linux-aarch64-gnu  aarch64-unknown-linux-gnu.2.17 aarch64-unknown-linux-gnu
linux-x86_64-musl  x86_64-unknown-linux-musl      x86_64-unknown-linux-musl
linux-aarch64-musl aarch64-unknown-linux-musl     aarch64-unknown-linux-musl"

# The library version, from the [package] section of Cargo.toml (the first `version =`).
paytoken_version() {
  sed -n 's/^version = "\(.*\)"$/\1/p' "$1/Cargo.toml" | head -n1
}

# Print the fields of one platform's line, or fail with the list of known platforms.
platform_line() {
  local line
  line=$(awk -v p="$1" '$1 == p' <<<"$PAYTOKEN_PLATFORMS")
  if [ -z "$line" ]; then
    echo "unknown platform '$1'; known: $(awk '{print $1}' <<<"$PAYTOKEN_PLATFORMS" | xargs)" >&2
    return 1
  fi
  echo "$line"
}
