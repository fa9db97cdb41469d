"""PEP 517 build backend for the paytoken Python package.

A wheel of paytoken is the pure-Python package plus the native library it loads with
ctypes, packed as ``paytoken/libpaytoken.so``. Because ctypes needs no Python ABI, the
wheel is tagged ``py3-none-<platform>``. The library comes from, first match wins:

* a prebuilt file: config setting ``prebuilt-lib`` or ``$PAYTOKEN_PREBUILT_LIB``, with
  the wheel's platform tag from ``platform-tag`` / ``$PAYTOKEN_WHEEL_PLATFORM`` (default:
  this machine's). No cargo is involved: ``make dist`` builds the four released wheels so;
* ``cargo build --release -p paytoken`` in the repository this directory belongs to;
* ``cargo build --release`` in ``rust/``, the copy of the crate an sdist carries.

The sdist (``build_sdist``, see paytoken_sdist.py) carries the crate's sources, so it
builds where Rust is installed and says what to install where it is not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - declared in pyproject's build requirements
    import tomli as tomllib

PROJECT_DIR = Path(__file__).resolve().parent.parent  # bindings/python
REPO_DIR = PROJECT_DIR.parent.parent
PACKAGE_DIR = PROJECT_DIR / "src" / "paytoken"
LIB_NAME = "libpaytoken.so"


# ---------------------------------------------------------------- PEP 517 hooks
def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    settings = config_settings or {}
    prebuilt = settings.get("prebuilt-lib") or os.environ.get("PAYTOKEN_PREBUILT_LIB")
    platform = settings.get("platform-tag") or os.environ.get("PAYTOKEN_WHEEL_PLATFORM")
    library = Path(prebuilt) if prebuilt else _cargo_build()
    if not library.is_file():
        raise SystemExit(f"paytoken: the prebuilt library {library} does not exist")
    return build_wheel_from(wheel_directory, library, platform or _platform_tag())


def build_wheel_from(wheel_directory: str, library: Path, platform_tag: str) -> str:
    """A wheel tagged ``py3-none-<platform_tag>`` carrying ``library``: no cargo involved."""
    files = [(f"paytoken/{path.relative_to(PACKAGE_DIR).as_posix()}", path.read_bytes())
             for path in _package_files()]
    files.append((f"paytoken/{LIB_NAME}", library.read_bytes()))
    return _write_wheel(wheel_directory, files, platform_tag)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    from paytoken_sdist import write_sdist  # in _build/, beside this file

    return write_sdist(sdist_directory, PROJECT_DIR, REPO_DIR, _project(), _metadata(_project()))


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    # The sources stay where they are (a .pth puts src/ on sys.path); the library is
    # copied next to them, where the package looks for it (gitignored).
    shutil.copyfile(_cargo_build(), PACKAGE_DIR / LIB_NAME)
    pth = f"{PACKAGE_DIR.parent}\n".encode()
    return _write_wheel(wheel_directory, [("paytoken_editable.pth", pth)])


# ---------------------------------------------------------------- the library
NEEDS_RUST = (
    "paytoken: building from source needs Rust 1.85 or newer (cargo on PATH, or $CARGO). "
    "Install it with rustup (distributions' cargo packages are often older), then install "
    "again. Prebuilt wheels need no Rust: pip picks one by itself on Linux x86_64 and aarch64 "
    "with glibc 2.17+ (manylinux2014, pip 19.3+) or musl (musllinux_1_2, pip 21.3+).")


def _crate_dir() -> Path:
    """Where the crate's sources are: the repository around us, or an sdist's rust/."""
    for candidate in (REPO_DIR, PROJECT_DIR / "rust"):
        manifest = candidate / "Cargo.toml"
        if manifest.is_file() and 'name = "paytoken"' in manifest.read_text(encoding="utf-8"):
            return candidate
    raise SystemExit(f"paytoken: no Rust sources (no Cargo.toml in {REPO_DIR} or "
                     f"{PROJECT_DIR / 'rust'}): install from a paytoken checkout "
                     "(pip install ./bindings/python), from the sdist, or a prebuilt wheel")


def _cargo_build() -> Path:
    """Build the cdylib and return the path cargo reports for it."""
    crate = _crate_dir()
    cargo = os.environ.get("CARGO", "cargo")
    command = [cargo, "build", "--release", "-p", "paytoken", "--message-format=json-render-diagnostics"]
    try:
        # Diagnostics go to stderr (shown by pip -v); stdout carries the JSON messages.
        result = subprocess.run(command, cwd=crate, stdout=subprocess.PIPE, check=True,
                                universal_newlines=True)
    except FileNotFoundError:
        raise SystemExit(NEEDS_RUST) from None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"paytoken: `{' '.join(command)}` failed (exit {exc.returncode})") from None
    for line in result.stdout.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "paytoken":
            for filename in message.get("filenames", []):
                if filename.endswith(".so"):
                    return Path(filename)
    raise SystemExit(f"paytoken: cargo built no {LIB_NAME}")


# ---------------------------------------------------------------- the wheel
def _project() -> Dict[str, Any]:
    with open(PROJECT_DIR / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def _package_files() -> List[Path]:
    return sorted(path for path in PACKAGE_DIR.rglob("*")
                  if path.is_file() and path.name != LIB_NAME and "__pycache__" not in path.parts
                  and path.suffix != ".pyc")


def _metadata(project: Dict[str, Any]) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        f"License: {project['license']['text']}",
        f"Keywords: {','.join(project.get('keywords', []))}",
    ]
    lines += [f"Classifier: {classifier}" for classifier in project.get("classifiers", [])]
    # Extras (`pip install paytoken[prometheus]`): requirements without markers of their own.
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {requirement}; extra == "{extra}"' for requirement in requirements]
    lines.append("Description-Content-Type: text/markdown")
    readme = (PROJECT_DIR / project["readme"]).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + readme


def _platform_tag() -> str:
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _write_wheel(wheel_directory: str, files: List[Tuple[str, bytes]],
                 platform_tag: Optional[str] = None) -> str:
    project = _project()
    name, version = project["name"], project["version"]
    tag = f"py3-none-{platform_tag or _platform_tag()}"
    dist_info = f"{name}-{version}.dist-info"
    files = files + [
        (f"{dist_info}/METADATA", _metadata(project).encode("utf-8")),
        (f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: paytoken_build\n"
                                f"Root-Is-Purelib: false\nTag: {tag}\n").encode()),
    ]
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in files]
    record.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))

    wheel_name = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(Path(wheel_directory) / wheel_name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))  # reproducible
            info.external_attr = (0o755 if path.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return wheel_name


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
