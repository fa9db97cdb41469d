'use strict';
// Which libpaytoken.so this process loads. The released tarball carries one library per
// platform under native/<platform>/ and picks at load time (as koffi itself does), so a
// lockfile made on one machine installs the same package everywhere; see the README.

const fs = require('node:fs');
const path = require('node:path');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const NATIVE_DIR = path.join(PACKAGE_DIR, 'native');
// A development copy of the host build (`make build`); never in a released tarball.
const DEV_LIB = path.join(__dirname, 'libpaytoken.so');
const ARCHES = { x64: 'x86_64', arm64: 'aarch64' };

/**
 * "musl" when this process runs on musl (Alpine): its dynamic loader is ld-musl. (Files in
 * /lib do not tell: a glibc machine can have musl installed beside it.) Without /proc,
 * Node's own report says whether it runs on glibc.
 */
function libc() {
  try {
    return fs.readFileSync('/proc/self/maps', 'latin1').includes('/ld-musl-') ? 'musl' : 'gnu';
  } catch {
    const header = process.report && process.report.getReport().header;
    return header && header.glibcVersionRuntime ? 'gnu' : 'musl';
  }
}

/** This process's platform in the package's naming, e.g. "linux-x86_64-gnu". */
function platformName() {
  return `${process.platform}-${ARCHES[process.arch] || process.arch}-${libc()}`;
}

function shippedPlatforms() {
  try {
    return fs.readdirSync(NATIVE_DIR).filter((p) => fs.existsSync(path.join(NATIVE_DIR, p, 'libpaytoken.so'))).sort();
  } catch {
    return [];
  }
}

/** The library to load: $PAYTOKEN_LIB, the development copy, else this platform's. */
function libraryPath() {
  if (process.env.PAYTOKEN_LIB) return process.env.PAYTOKEN_LIB;
  if (fs.existsSync(DEV_LIB)) return DEV_LIB;
  const platform = platformName();
  const candidate = path.join(NATIVE_DIR, platform, 'libpaytoken.so');
  if (fs.existsSync(candidate)) return candidate;
  const shipped = shippedPlatforms();
  throw new Error(
    `paytoken: no libpaytoken for this platform (${platform}); this package carries ` +
      `${shipped.length ? shipped.join(', ') : 'none'}. Set PAYTOKEN_LIB to a libpaytoken.so built for it.`,
  );
}

module.exports = { libraryPath, platformName, shippedPlatforms };
