"""The sdist of paytoken: the Python package plus a standalone copy of the Rust crate.

An sdist must build on a machine that has only the sdist, so it carries, under ``rust/``,
everything ``cargo build --release`` needs for libpaytoken: the crate's manifest made
standalone (no workspace members, no simulator dev-dependency, no benches), the lock file
(same dependency versions as the release), build.rs, the cbindgen configurations, src/
and include/. The backend builds from ``rust/`` when it is not inside a checkout.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

# What the crate's build needs, relative to the repository root.
CRATE_FILES = ["Cargo.lock", "build.rs", "cbindgen.toml", "cbindgen-ffi.toml"]
CRATE_DIRS = ["src", "include"]
# What the Python package needs, relative to bindings/python.
PACKAGE_FILES = ["pyproject.toml", "README.md", "_build/paytoken_build.py", "_build/paytoken_sdist.py"]


def standalone_manifest(text: str) -> str:
    """The workspace root's Cargo.toml without what only the repository has.

    Drops the workspace's members (an empty [workspace] keeps cargo from looking for a
    parent workspace), [dev-dependencies] (the simulator, a path dependency) and [[bench]]
    targets (benches/ is not shipped).
    """
    out: List[str] = []
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        if section == "[workspace]" and stripped != "[workspace]":
            continue  # members/resolver: the crate alone, resolver 2 comes with edition 2021
        if section in ("[dev-dependencies]", "[[bench]]"):
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def _tree(root: Path, relative: str) -> Iterator[Tuple[str, bytes]]:
    base = root / relative
    for path in sorted(base.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path.relative_to(root).as_posix(), path.read_bytes()


def sdist_files(project_dir: Path, repo_dir: Path) -> List[Tuple[str, bytes]]:
    if not (repo_dir / "Cargo.toml").is_file():
        raise SystemExit(f"paytoken: an sdist is made from a paytoken checkout (no Cargo.toml in {repo_dir})")
    files = [(name, (project_dir / name).read_bytes()) for name in PACKAGE_FILES]
    files += [(name, data) for name, data in _tree(project_dir, "src/paytoken")
              if not name.endswith(".so")]
    manifest = standalone_manifest((repo_dir / "Cargo.toml").read_text(encoding="utf-8"))
    files.append(("rust/Cargo.toml", manifest.encode("utf-8")))
    files += [(f"rust/{name}", (repo_dir / name).read_bytes()) for name in CRATE_FILES]
    for directory in CRATE_DIRS:
        files += [(f"rust/{name}", data) for name, data in _tree(repo_dir, directory)]
    return files


def write_sdist(sdist_directory: str, project_dir: Path, repo_dir: Path,
                project: Dict[str, Any], metadata: str) -> str:
    base = f"{project['name']}-{project['version']}"
    files = sdist_files(project_dir, repo_dir) + [("PKG-INFO", metadata.encode("utf-8"))]
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path, data in sorted(files):
            info = tarfile.TarInfo(f"{base}/{path}")
            info.size, info.mode, info.mtime = len(data), 0o644, 315532800  # reproducible
            tar.addfile(info, io.BytesIO(data))
    return name
