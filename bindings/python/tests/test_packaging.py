"""The wheel: built by pip with cargo, self-contained, usable outside the repository."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from simulator import NICEPAY, REPO

import paytoken

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", str(out),
                    str(PROJECT)], check=True, timeout=900)
    (built,) = out.glob("paytoken-*.whl")
    return built


def test_wheel_carries_the_library_and_type_marker(wheel):
    assert wheel.name.startswith(f"paytoken-{paytoken.__version__}-py3-none-linux_")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"paytoken/__init__.py", "paytoken/py.typed", "paytoken/libpaytoken.so",
                "paytoken/metrics.py", "paytoken/metrics.json", "paytoken/otel.py",
                "paytoken/_vocabulary.py"} <= names
        metadata = archive.read(f"paytoken-{paytoken.__version__}.dist-info/METADATA").decode()
        assert "Provides-Extra: prometheus\n" in metadata
        assert 'Requires-Dist: prometheus_client>=0.12; extra == "prometheus"\n' in metadata
        assert 'Requires-Dist: opentelemetry-api>=1.12; extra == "opentelemetry"\n' in metadata
        record = archive.read(f"paytoken-{paytoken.__version__}.dist-info/RECORD").decode()
        for line in record.splitlines():
            path, digest, _size = line.rsplit(",", 2)
            if digest:  # every file's hash is right, so pip accepts it
                data = archive.read(path)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                assert digest == f"sha256={expected}", path


def test_installed_wheel_works_outside_the_repository(wheel, tmp_path, sim):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, timeout=300)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(site)!r})
        import paytoken
        assert paytoken.__file__.startswith({str(site)!r}), paytoken.__file__
        assert paytoken.library_path().startswith({str(site)!r}), paytoken.library_path()
        client = paytoken.Client.nicepay(**{NICEPAY!r}, base_url={sim.url!r})
        print(paytoken.library_version(), client.get("/v1/payments/T1").status)
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("PAYTOKEN_LIB", "PYTHONPATH")}
    # -I: ignore the environment and the current directory; -S: no site-packages.
    result = subprocess.run([sys.executable, "-I", "-S", "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [paytoken.library_version(), "200"]


def test_tests_use_the_installed_package():
    assert PROJECT / "src" not in Path(paytoken.__file__).resolve().parents
    assert importlib.metadata.version("paytoken") == paytoken.__version__


def _import_with_lib(path: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import paytoken; print(paytoken.library_path())"],
                          env={**os.environ, "PAYTOKEN_LIB": path}, capture_output=True, text=True,
                          timeout=60)


def test_paytoken_lib_overrides_the_packaged_library():
    repo_lib = str(REPO / "target" / "release" / "libpaytoken.so")
    result = _import_with_lib(repo_lib)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repo_lib


def test_a_missing_library_is_a_clear_import_error():
    result = _import_with_lib("/nonexistent/libpaytoken.so")
    assert result.returncode != 0
    assert "ImportError" in result.stderr and "PAYTOKEN_LIB" in result.stderr
