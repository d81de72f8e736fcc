"""Batch hardening: tables read whole and faithfully, bounded xlsx reading,
workers that die with their parent, one batch per output folder, every
failure isolated to its employer, and nothing read or written outside -o."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import MINI_SPEC, make_tree

from agreement_kit import load_library
from agreement_kit.batch.batch import jobs_from_table
from agreement_kit.utils.errors import InputError

openpyxl = pytest.importorskip("openpyxl")

SHEET = "xl/worksheets/sheet1.xml"


def base_spec(tmp_path: Path) -> Path:
    return make_tree(tmp_path, {"base.yaml": MINI_SPEC}) / "base.yaml"


def workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> None:
    """Rewrite one member of a zip package in place: change(bytes) -> bytes."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename == part else data)


def refused(table: Path, base: Path, library_root: Path) -> list:
    with pytest.raises(InputError) as caught:
        jobs_from_table(table, base, load_library(library_root))
    return caught.value.problems


# -- 1. rows beyond a stale declared range ---------------------------------------


def test_xlsx_rows_beyond_a_stale_dimension_are_read(mini_library, tmp_path):
    rows = [["organisation.short_name"]] + [[f"Trust {n}"] for n in range(1, 6)]
    table = workbook(tmp_path / "t.xlsx", rows)
    stale = b'<dimension ref="A1:C2"/>'
    rewrite_part(table, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', stale, xml))
    jobs = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert [j.key for j in jobs] == [f"trust-{n}" for n in range(1, 6)]


def test_xlsx_declaring_the_whole_sheet_reads_only_its_rows(mini_library, tmp_path):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"]])
    whole = b'<dimension ref="A1:XFD1048576"/>'
    rewrite_part(table, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', whole, xml))
    (job,) = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert job.key == "one"


# -- 2. formulas without a saved value ----------------------------------------------


def test_xlsx_formula_without_a_saved_value_is_refused_by_row_and_column(mini_library, tmp_path, run_cli):
    rows = [["organisation.short_name", "meetings.frequency.per_year"], ["One", 6], ["Two", "=4+4"]]
    table = workbook(tmp_path / "t.xlsx", rows)
    base = base_spec(tmp_path)
    (problem,) = refused(table, base, mini_library)
    assert (problem.line, problem.field) == (3, "meetings.frequency.per_year")
    assert "B3" in problem.message and "open and save the file in Excel, or paste values" in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and "t.xlsx:3: meetings.frequency.per_year:" in stderr and not out.exists()


def test_xlsx_formula_with_a_saved_value_reads_the_value(mini_library, tmp_path):
    rows = [["organisation.short_name", "meetings.frequency.per_year"], ["Two", "=4+4"]]
    table = workbook(tmp_path / "t.xlsx", rows)
    rewrite_part(table, SHEET, lambda xml: xml.replace(b"<f>4+4</f><v></v>", b"<f>4+4</f><v>8</v>"))
    (job,) = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert job.data["clauses"]["meetings.frequency"]["params"]["per_year"] == 8


# -- 3. whitespace-only rows ------------------------------------------------------------


def test_whitespace_only_csv_row_is_a_blank_row(mini_library, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("organisation.short_name,organisation.name\nOne,One Trust\n  ,\t\n \nTwo,Two Trust\n")
    jobs = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert [j.key for j in jobs] == ["one", "two"]


def test_table_of_only_whitespace_rows_has_no_employers(mini_library, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("organisation.short_name\n   \n")
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert "has no employer rows" in problem.message


# -- 10. xlsx read within bounds ---------------------------------------------------------


def with_shared_strings(path: Path) -> None:
    """Turn the inline strings openpyxl writes into a shared strings table, as Excel writes."""
    strings: list[bytes] = []

    def share(match: re.Match) -> bytes:
        strings.append(match.group(2))
        return match.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    def sheet(xml: bytes) -> bytes:
        return re.sub(rb'(<c r="[A-Z]+\d+") t="inlineStr"><is><t[^>]*>([^<]*)</t></is></c>', share, xml)

    rewrite_part(path, SHEET, sheet)
    items = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + b"</sst>"
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    rewrite_part(path, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", override))
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/sharedStrings.xml", sst)


def test_xlsx_with_shared_strings_is_read(mini_library, tmp_path):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"], ["Two"]])
    with_shared_strings(table)
    jobs = jobs_from_table(table, base_spec(tmp_path), load_library(mini_library))
    assert [j.key for j in jobs] == ["one", "two"]


@pytest.mark.parametrize("part", [SHEET, "[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml"])
def test_xlsx_part_with_a_doctype_is_refused(part, mini_library, tmp_path, run_cli):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"]])
    with_shared_strings(table)
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def add_doctype(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            end = xml.index(b"?>") + 2
            return xml[:end] + laughs + xml[end:]
        return laughs + xml

    rewrite_part(table, part, add_doctype)
    base = base_spec(tmp_path)
    (problem,) = refused(table, base, mini_library)
    assert problem.file.endswith("t.xlsx") and part in problem.message and "DOCTYPE" in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and "DOCTYPE" in stderr and "Traceback" not in stderr and "internal error" not in stderr


def test_xlsx_with_bad_sheet_xml_is_refused_naming_the_file(mini_library, tmp_path, run_cli):
    table = workbook(tmp_path / "t.xlsx", [["organisation.short_name"], ["One"]])
    rewrite_part(table, SHEET, lambda xml: xml.replace(b"</row>", b"</rowx>", 1))
    base = base_spec(tmp_path)
    (problem,) = refused(table, base, mini_library)
    assert problem.file.endswith("t.xlsx") and SHEET in problem.message
    assert "not well-formed XML" in problem.message
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", table, "--base", base, "-o", out, "--library", mini_library)
    assert code == 1 and "t.xlsx" in stderr and "internal error" not in stderr and not out.exists()


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("agreement_kit.batch.table.MAX_ROWS", 3, "more than 3 rows"),
        ("agreement_kit.batch.xlsx.MAX_CELLS", 5, "more than 5 cells"),
        ("agreement_kit.batch.xlsx.MAX_SHARED_STRINGS", 4, "more than 4 shared strings"),
        ("agreement_kit.batch.xlsx.MAX_PART_BYTES", 100, "the limit is 100"),
        ("agreement_kit.batch.xlsx.MAX_HELD_ELEMENTS", 3, "more than 3 XML elements"),
    ],
)
def test_xlsx_limits_are_refused_by_name(limit, value, message, mini_library, tmp_path, monkeypatch):
    rows = [["organisation.short_name"]] + [[f"Trust {n}"] for n in range(1, 7)]
    table = workbook(tmp_path / "t.xlsx", rows)
    with_shared_strings(table)
    monkeypatch.setattr(limit, value)
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert problem.file.endswith("t.xlsx") and message in problem.message


def test_xlsx_that_is_not_a_zip_is_refused(mini_library, tmp_path):
    table = tmp_path / "t.xlsx"
    table.write_bytes(b"organisation.short_name\nOne\n")
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert "not a readable .xlsx workbook" in problem.message


def test_csv_rows_beyond_the_limit_are_refused(mini_library, tmp_path, monkeypatch):
    monkeypatch.setattr("agreement_kit.batch.table.MAX_ROWS", 3)
    table = tmp_path / "t.csv"
    table.write_text("organisation.short_name\n" + "".join(f"T{n}\n" for n in range(10)))
    (problem,) = refused(table, base_spec(tmp_path), mini_library)
    assert "more than 3 rows" in problem.message


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# -- batches: helpers ----------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def spec_for(name: str) -> str:
    return MINI_SPEC.replace("short_name: Example", f"short_name: {name.title()}").replace(
        "name: Example NHS Trust", f"name: {name.title()} NHS Trust"
    )


def specs_folder(tmp_path: Path, names=("alpha", "beta", "gamma")) -> Path:
    return make_tree(tmp_path / "specs", {f"{n}.yaml": spec_for(n) for n in names})


def statuses(out: Path) -> dict[str, str]:
    return {e["key"]: e["status"] for e in _manifest(out)["employers"]}


def employer(out: Path, key: str) -> dict:
    return next(e for e in _manifest(out)["employers"] if e["key"] == key)


# -- 4. workers die with the batch -----------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_workers_die_with_the_batch(signal_name, mini_library, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = specs_folder(tmp_path, [f"trust{n:03d}" for n in range(300)])
    command = [sys.executable, "-m", "agreement_kit", "batch", folder, "-o", tmp_path / "out"]
    command += ["-j", "2", "--library", mini_library, "-q"]
    batch = subprocess.Popen([str(c) for c in command], cwd=REPO, stdout=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 20
        while len(workers) < 2 and time.monotonic() < deadline and batch.poll() is None:
            time.sleep(0.05)
            workers = _children(batch.pid)
        assert len(workers) >= 2 and batch.poll() is None, "the batch ended before its workers were seen"
        time.sleep(0.3)  # the workers are building
        os.kill(batch.pid, getattr(signal, signal_name))
        batch.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "workers outlived the batch"
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait()
        for worker in workers:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)


# -- 5. one batch at a time in an output folder -----------------------------------------------


def test_second_batch_into_the_same_folder_is_refused(mini_library, tmp_path, run_cli):
    import fcntl
    import os

    folder = specs_folder(tmp_path, ("alpha",))
    out = tmp_path / "out"
    out.mkdir()
    lock = os.open(out / ".agreement-kit.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first batch, still writing
        code, _, stderr = run_cli("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-q")
        assert code == 1
        assert f"another batch is writing to {out}; wait for it or choose another -o" in stderr
        assert "Traceback" not in stderr and not (out / "manifest.json").exists()
    finally:
        os.close(lock)
    code, _, _ = run_cli("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-q")
    assert code == 0 and statuses(out) == {"alpha": "built"}


# -- 6. every failure is the failing employer's alone --------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_internal_error_in_one_employer_is_isolated(workers, mini_library, tmp_path, run_cli, monkeypatch):
    import agreement_kit.batch.batch as batch_module

    real = batch_module.assemble

    def assemble(loaded, library):
        if "Beta" in loaded.spec.organisation.name:
            raise RuntimeError("boom")
        return real(loaded, library)

    monkeypatch.setattr(batch_module, "assemble", assemble)
    # forked workers inherit the failing assemble; spawned ones would import the real one
    monkeypatch.setattr(batch_module, "START_METHOD", "fork")
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "batch", specs_folder(tmp_path), "-o", out, "--library", mini_library, "-j", workers, "-f", "md", "-q"
    )
    assert code == 1 and "Traceback" not in stderr
    assert statuses(out) == {"alpha": "built", "beta": "failed", "gamma": "built"}
    assert "RuntimeError: boom" in employer(out, "beta")["error"]
    assert "beta.yaml" in stderr and "boom" in stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_non_utf8_file_name_is_one_employer(workers, mini_library, tmp_path, run_cli):
    import os

    folder = specs_folder(tmp_path, ("alpha",))
    (folder / os.fsdecode(b"caf\xe9.yaml")).write_text(spec_for("cafe"))
    (folder / os.fsdecode(b"bad\xff.yaml")).write_text("organisation: [")
    out = tmp_path / "out"
    args = ("batch", folder, "-o", out, "--library", mini_library, "-j", workers, "-f", "md")
    code, _, stderr = run_cli(*args)
    assert code == 1 and "Traceback" not in stderr and "internal error" not in stderr
    manifest = _manifest(out)  # valid UTF-8 JSON
    rows = {e["key"]: e for e in manifest["employers"]}
    assert rows["alpha"]["status"] == rows["cafe"]["status"] == "built"
    assert rows["cafe"]["source"].endswith("caf\\xe9.yaml")
    assert rows["bad"]["status"] == "failed" and "bad\\xff.yaml" in rows["bad"]["error"]
    assert "bad\\xff.yaml" in stderr


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(
    "error", [PermissionError(13, "Permission denied"), ValueError("unexpected")], ids=["unreadable", "bug"]
)
def test_spec_that_cannot_be_loaded_is_one_failed_employer(
    workers, error, mini_library, tmp_path, run_cli, monkeypatch
):
    import agreement_kit.batch.jobs as jobs_module

    real = jobs_module.load_yaml

    def load_yaml(path):
        if path.name == "beta.yaml":
            if isinstance(error, OSError):
                raise PermissionError(error.errno, error.strerror, str(path))
            raise error
        return real(path)

    monkeypatch.setattr(jobs_module, "load_yaml", load_yaml)
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "batch", specs_folder(tmp_path), "-o", out, "--library", mini_library, "-j", workers, "-f", "md", "-q"
    )
    assert code == 1 and "Traceback" not in stderr
    assert statuses(out) == {"alpha": "built", "beta": "failed", "gamma": "built"}
    message = employer(out, "beta")["error"]
    assert ("Permission denied" if isinstance(error, OSError) else "ValueError: unexpected") in message
    assert "beta.yaml" in stderr


# -- 7. what a folder holds that is not a spec file ---------------------------------------------------


def test_folder_entries_that_are_not_spec_files_are_failed_employers(mini_library, tmp_path, run_cli):
    import os

    folder = specs_folder(tmp_path, ("alpha",))
    (folder / "broken.yaml").symlink_to(tmp_path / "nowhere.yaml")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "dir.yaml").mkdir()
    (folder / "linked.yaml").symlink_to(folder / "alpha.yaml")  # a link to a real spec is read
    out = tmp_path / "out"
    code, _, stderr = run_cli("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-j", "1")
    assert code == 1 and "Traceback" not in stderr
    rows = {e["source"].rsplit("/", 1)[-1]: e for e in _manifest(out)["employers"]}
    assert rows["alpha.yaml"]["status"] == "built"
    assert "broken symbolic link" in rows["broken.yaml"]["error"]
    assert "not a regular file" in rows["pipe.yaml"]["error"]
    assert "directory" in rows["dir.yaml"]["error"]
    assert rows["linked.yaml"]["status"] == "failed"  # the same organisation as alpha: same folder
    for name in ("broken.yaml", "pipe.yaml", "dir.yaml"):
        assert name in stderr


# -- 8. temporaries left by a killed batch ------------------------------------------------------------


def test_stale_temporaries_under_the_output_folder_are_removed(mini_library, tmp_path, run_cli):
    folder = specs_folder(tmp_path, ("alpha",))
    out = tmp_path / "out"
    outside = tmp_path / "elsewhere"
    make_tree(outside, {".keep.md.abcd1234.part": "x"})
    stale = [out / "alpha" / ".alpha-partnership.md.k2_9ab0x.part", out / ".manifest.json.zzzz9999.part"]
    kept = [out / "alpha" / "notes.part", out / "alpha" / ".notes.part", outside / ".keep.md.abcd1234.part"]
    for path in stale + kept[:2]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    (out / "linked").symlink_to(outside)
    code, _, _ = run_cli("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-q")
    assert code == 0
    assert not [p for p in stale if p.exists()]
    assert all(p.exists() for p in kept)


# -- 9. nothing read or written outside -o -----------------------------------------------------------


def _tamper(out: Path, key: str, change) -> None:
    record = out / key / ".agreement-kit.json"
    data = json.loads(record.read_text())
    change(data)
    record.write_text(json.dumps(data))


@pytest.mark.parametrize("where", ["../../secret.txt", "ABSOLUTE", "../beta/beta-partnership.md"])
def test_tampered_record_pointing_outside_is_rebuilt(where, mini_library, tmp_path, run_cli):
    import hashlib

    folder = specs_folder(tmp_path, ("alpha", "beta"))
    out = tmp_path / "out"
    args = ("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-q")
    assert run_cli(*args)[0] == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("not an agreement")
    target = secret if where != "../beta/beta-partnership.md" else out / "beta" / "beta-partnership.md"
    path = f"alpha/{where}" if where != "ABSOLUTE" else str(secret)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    _tamper(out, "alpha", lambda d: d.update(outputs=[{"path": path, "sha256": digest}]))
    assert run_cli(*args)[0] == 0
    assert statuses(out) == {"alpha": "built", "beta": "unchanged"}
    assert [o["path"] for o in employer(out, "alpha")["outputs"]] == [
        "alpha/spec.yaml",
        "alpha/alpha-partnership.md",
    ]


def test_record_that_is_a_link_out_of_the_folder_is_not_read(mini_library, tmp_path, run_cli):
    folder = specs_folder(tmp_path, ("alpha",))
    out = tmp_path / "out"
    args = ("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-q")
    assert run_cli(*args)[0] == 0
    record = out / "alpha" / ".agreement-kit.json"
    moved = tmp_path / "record.json"
    moved.write_bytes(record.read_bytes())
    record.unlink()
    record.symlink_to(moved)
    assert run_cli(*args)[0] == 0
    assert statuses(out) == {"alpha": "built"}
    assert not record.is_symlink() and moved.read_bytes() != b""


def test_employer_folder_that_links_out_of_the_output_folder_is_refused(mini_library, tmp_path, run_cli):
    folder = specs_folder(tmp_path, ("alpha", "beta"))
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "alpha").symlink_to(elsewhere, target_is_directory=True)
    code, _, stderr = run_cli("batch", folder, "-o", out, "--library", mini_library, "-f", "md", "-q")
    assert code == 1 and "Traceback" not in stderr
    assert statuses(out) == {"alpha": "failed", "beta": "built"}
    assert "symbolic link" in employer(out, "alpha")["error"]
    assert list(elsewhere.iterdir()) == []
