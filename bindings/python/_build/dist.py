"""`make dist` for Python: the four platform wheels from prebuilt libraries, and the sdist.

Usage: python3 _build/dist.py NATIVE_DIR OUT_DIR

NATIVE_DIR is the top-level dist/native/ (``make dist-native``): one directory per
platform holding libpaytoken.so.0.1.0. No cargo runs here; a missing library fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import paytoken_build  # noqa: E402  (after the path insert above)

# dist/native/<platform> -> the wheel's platform tag. manylinux2014 = glibc 2.17+
# (CentOS 7 and newer); musllinux_1_2 = musl 1.2+ (Alpine 3.13 and newer).
PLATFORMS = {
    "linux-x86_64-gnu": "manylinux2014_x86_64",
    "linux-aarch64-gnu": "manylinux2014_aarch64",
    "linux-x86_64-musl": "musllinux_1_2_x86_64",
    "linux-aarch64-musl": "musllinux_1_2_aarch64",
}
LIBRARY = "libpaytoken.so.0.1.0"


def main(native_dir: Path, out_dir: Path) -> int:
    missing = [str(native_dir / p / LIBRARY) for p in PLATFORMS if not (native_dir / p / LIBRARY).is_file()]
    if missing:
        print("python dist: missing prebuilt libraries (run `make dist-native`): " + ", ".join(missing),
              file=sys.stderr)
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("paytoken-*"):
        old.unlink()
    for platform, tag in PLATFORMS.items():
        print(out_dir / paytoken_build.build_wheel_from(str(out_dir), native_dir / platform / LIBRARY, tag))
    print(out_dir / paytoken_build.build_sdist(str(out_dir)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))
