"""A wheel carries the clause library and templates, and builds from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = dist.glob("agreement_kit-*.whl")
    return path


def test_wheel_ships_library_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in (REPO / "clauses").rglob("*.yaml"):
        assert f"agreement_kit/_data/clauses/{source.relative_to(REPO / 'clauses').as_posix()}" in names
    for source in (REPO / "templates").iterdir():
        if source.is_file() and source.suffix in {".docx", ".j2", ".css"}:
            assert f"agreement_kit/_data/templates/{source.name}" in names
    for source in (REPO / "data").rglob("*.yaml"):
        assert f"agreement_kit/_data/data/{source.relative_to(REPO / 'data').as_posix()}" in names


@pytest.mark.skipif(not SAMPLES, reason="no samples")
def test_installed_wheel_builds_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sample = elsewhere / "spec.yaml"
    shutil.copy(SAMPLES[0], sample)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "agreement_kit", "build", "spec.yaml", "-o", "out", "--format", "md"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    written = [elsewhere / line for line in result.stdout.splitlines()]
    assert written and all(p.is_file() for p in written)
    # The package really came from the wheel, not from this checkout.
    probe = subprocess.run(
        [sys.executable, "-c", "import agreement_kit.utils.resources as r; print(r.clauses_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(site)
