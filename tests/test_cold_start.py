"""`agreement-kit build` from a cold start: what the per-user cache holds never
changes what is written, with the cache empty, filled, damaged, shared by
processes running at once or turned off; and a build with the cache filled
imports only what it uses (no python-docx, docxtpl or holidays, and never
numpy, Starlette or rich)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

SPEC = REPO / "samples" / "teaching-trust.yaml"

# Runs the command line in a new process and records every module it imported.
_DRIVER = """
import atexit, json, sys
record = sys.argv.pop(1)
atexit.register(lambda: open(record, "w").write(json.dumps(sorted(sys.modules))))
from agreement_kit.cli.app import main
main(sys.argv[1:])
"""

NEVER = {"numpy", "scipy", "sklearn", "starlette", "uvicorn", "multipart", "rich", "markdown", "openpyxl"}
WHEN_CACHED = {"docx", "docxtpl", "docxcompose", "holidays"}


def build(tmp_path: Path, cache: Path | str, name: str, *args: str, umask: int | None = None) -> dict:
    """Build SPEC into tmp_path/name; the files written (name -> bytes) and the
    top-level modules the process imported."""
    out, record = tmp_path / name, tmp_path / f"{name}.modules.json"
    env = {**os.environ, "AGREEMENT_KIT_CACHE": str(cache), "PYTHONPATH": str(REPO)}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(record), "build", str(SPEC), "-o", str(out), *args],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )
    assert done.returncode == 0, done.stderr
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    modules = {m.split(".")[0] for m in json.loads(record.read_text())}
    return {"files": files, "modules": modules}


def test_output_is_the_same_with_the_cache_empty_filled_damaged_or_off(tmp_path):
    cache = tmp_path / "cache"
    off = build(tmp_path, "off", "off")
    empty = build(tmp_path, cache, "empty")
    entries = sorted(p.name.split("-")[0] for p in cache.iterdir())
    assert {"library", "templates", "word", "html", "pay"} <= set(entries), entries
    filled = build(tmp_path, cache, "filled")
    assert len(off["files"]) == 6
    assert empty["files"] == off["files"] and filled["files"] == off["files"]
    for entry in cache.iterdir():  # every entry damaged: each is a miss, and made again
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    assert build(tmp_path, cache, "damaged")["files"] == off["files"]
    assert build(tmp_path, cache, "again")["modules"].isdisjoint(WHEN_CACHED)


@pytest.mark.parametrize("notes", ["appendix", "none"])
def test_other_notes_are_the_same_from_the_cache(tmp_path, notes):
    cache = tmp_path / "cache"
    build(tmp_path, cache, "fill", "-f", "docx")
    filled = build(tmp_path, cache, "filled", "--notes", notes)
    assert filled["files"] == build(tmp_path, "off", "off", "--notes", notes)["files"]


def test_a_build_with_the_cache_filled_imports_only_what_it_uses(tmp_path):
    cache = tmp_path / "cache"
    cold = build(tmp_path, cache, "cold")
    assert cold["modules"].isdisjoint(NEVER), cold["modules"] & NEVER
    warm = build(tmp_path, cache, "warm")
    assert warm["modules"].isdisjoint(NEVER | WHEN_CACHED), warm["modules"] & (NEVER | WHEN_CACHED)
    assert {"pydantic", "jinja2", "lxml", "yaml"} <= warm["modules"]  # and the check is alive


def test_builds_running_at_once_share_one_cache(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "AGREEMENT_KIT_CACHE": str(cache), "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "agreement_kit", "build", str(SPEC), "-o", str(tmp_path / f"out{i}")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(4)
    ]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read() if run.stderr else ""
    expected = build(tmp_path, "off", "off")["files"]
    for i in range(4):
        assert {p.name: p.read_bytes() for p in (tmp_path / f"out{i}").iterdir()} == expected
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no half-written entry left
    kinds = [p.name.rsplit("-", 1)[0] for p in cache.iterdir()]
    assert len(kinds) == len(set(kinds))  # one entry of each kind
    assert build(tmp_path, cache, "after")["files"] == expected


@pytest.mark.parametrize("umask", [0o002, 0o077])
def test_entries_are_private_whatever_the_umask_and_read_back(tmp_path, umask):
    cache = tmp_path / "cache"
    build(tmp_path, cache, "first", umask=umask)
    assert not stat.S_IMODE(cache.stat().st_mode) & 0o077
    for entry in cache.iterdir():
        assert not stat.S_IMODE(entry.stat().st_mode) & 0o077, entry.name
    assert build(tmp_path, cache, "second", umask=umask)["modules"].isdisjoint(WHEN_CACHED)
