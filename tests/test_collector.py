"""The command line's process: the garbage collector paused for a command
that ends when its work is done, everything left frozen at the end, and
pydantic's plugin search off unless the user chose otherwise; the long-running
commands (serve, batch) run the collector as usual."""

from __future__ import annotations

import gc
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from agreement_kit.utils.collector import collect_as_usual, command_process

SPEC = REPO / "samples" / "teaching-trust.yaml"

# Runs the command line in a new process; at exit, records the collector's
# state and the plugin setting pydantic read.
_DRIVER = """
import atexit, gc, json, os, sys
record = sys.argv.pop(1)
atexit.register(lambda: open(record, "w").write(json.dumps({
    "enabled": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
    "plugins": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
})))
from agreement_kit.cli.app import main
main(sys.argv[1:])
"""


def run_command(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    record = tmp_path / "record.json"
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    if env is None:
        environment.pop("PYDANTIC_DISABLE_PLUGINS", None)
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(record), *args], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(record.read_text())


def test_a_build_runs_without_the_collector_and_freezes_what_is_left(tmp_path):
    state = run_command(tmp_path, "build", str(SPEC), "-o", str(tmp_path / "out"))
    assert len(list((tmp_path / "out").iterdir())) == 6
    assert state["enabled"] is False
    assert state["frozen"] > 10_000  # the library, the agreements, the modules
    assert state["plugins"] == "__all__"


def test_a_plugin_setting_of_the_users_own_is_kept(tmp_path):
    state = run_command(tmp_path, "validate", str(SPEC), env={"PYDANTIC_DISABLE_PLUGINS": "logfire"})
    assert state["plugins"] == "logfire"


def test_command_process_pauses_then_freezes(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    assert gc.isenabled()
    try:
        with command_process():
            assert not gc.isenabled()
        assert frozen == [True] and not gc.isenabled()
        with pytest.raises(RuntimeError), command_process():  # and when the command fails
            raise RuntimeError
        assert frozen == [True, True]
    finally:
        collect_as_usual()
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("module", "function", "args"),
    [
        ("agreement_kit.serve.server", "serve", ["serve", "--no-browser"]),
        ("agreement_kit.batch.batch", "run_batch", ["batch", str(REPO / "samples"), "-q", "-o", "OUT"]),
    ],
)
def test_long_running_commands_run_the_collector(run_cli, monkeypatch, tmp_path, module, function, args):
    seen = []

    def record(*_args: object, **_kwargs: object) -> None:
        seen.append(gc.isenabled())
        raise SystemExit(0)

    monkeypatch.setattr(importlib.import_module(module), function, record)
    gc.disable()  # as the command line's process starts them
    try:
        code, _, _ = run_cli(*(str(tmp_path / "out") if a == "OUT" else a for a in args))
    finally:
        gc.enable()
    assert (code, seen) == (0, [True])
