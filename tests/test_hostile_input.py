"""Hostile and surprising input, round two: each case was an internal error, a
hang, unbounded memory or a silently changed value, and is now a message
naming the file, line and field, with exit 1 and nothing written."""

from __future__ import annotations

import io
import os
import threading
import zipfile

import pytest
from conftest import MINI_SPEC, line_of, make_tree

from agreement_kit import InputError, assemble, load_library, load_spec
from agreement_kit.assembly.model import block_text
from agreement_kit.load.yaml_source import MAX_DEPTH, load_yaml
from agreement_kit.render import render


def spec_problems(tmp_path, text: str, name: str = "spec.yaml") -> list:
    path = make_tree(tmp_path, {name: text}) / name
    with pytest.raises(InputError) as caught:
        load_spec(path)
    return caught.value.problems


# -- YAML values read as written --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("010", "would not be read as written"),
        ("0x1F", "would not be read as written"),
        ("1_000", "would not be read as written"),
        ("1:30", "would not be read as written"),
    ],
)
def test_yaml_11_numbers_are_refused_with_the_field(value, says, tmp_path):
    text = MINI_SPEC.replace("per_year: 8", f"per_year: {value}")
    (problem,) = spec_problems(tmp_path, text)
    assert problem.field == "clauses.meetings.frequency.params.per_year"
    assert problem.line == line_of(text, "per_year:") and says in problem.message


def test_yaml_11_booleans_are_refused_and_quoted_values_stay_text(tmp_path, mini_library):
    (problem,) = spec_problems(tmp_path, MINI_SPEC + "extra: yes\n")
    assert problem.field == "extra" and "would be read as true or false" in problem.message
    quoted = MINI_SPEC.replace("short_name: Example", "short_name: '010'")
    (agreement,) = assemble(
        load_spec(make_tree(tmp_path, {"q.yaml": quoted}) / "q.yaml"), load_library(mini_library)
    )
    assert agreement.short_name == "010"


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("headcount: 1200", "headcount: true", "organisation.headcount", "not true or false"),
        ("effective: 2026-04-01", "effective: 0", "dates.effective", "YYYY-MM-DD"),
        ("effective: 2026-04-01", "effective: 2026-02-30", "dates.effective", "not a real date"),
        ("effective: 2026-04-01", "effective: 2026-13-01", "dates.effective", "not a real date"),
        ("headcount: 1200", "headcount: " + "9" * 5000, "organisation.headcount", "5,000 digits"),
        ("headcount: 1200", "headcount: !!int six", "organisation.headcount", "cannot be read as int"),
        ("headcount: 1200", "headcount: !!int", "organisation.headcount", "no value given for the tag int"),
        ("headcount: 1200", "headcount: !!binary aGVsbG8=", "organisation.headcount", "is not allowed"),
    ],
)
def test_values_that_would_change_or_crash_are_refused(old, new, field, says, tmp_path):
    problems = spec_problems(tmp_path, MINI_SPEC.replace(old, new))
    assert any(p.field == field and says in p.message for p in problems), problems


def test_merge_keys_are_refused_like_other_tags(tmp_path):
    text = "base: &b {a: 1}\nother:\n  <<: *b\n  a: 2\n"
    path = make_tree(tmp_path, {"m.yaml": text}) / "m.yaml"
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert "merge keys (<<) are not allowed" in caught.value.problems[0].message


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 1200 + "]" * 1200 + "\n")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert f"nested more than {MAX_DEPTH} levels deep" in caught.value.problems[0].message


# -- what a path may be -------------------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, run_cli):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(out=run_cli("validate", fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "validate hung on a FIFO"
    code, _, stderr = result["out"]
    assert code == 1 and "is not a regular file" in stderr and "Traceback" not in stderr


def test_a_device_and_a_symlink_loop_are_refused(tmp_path):
    loop = tmp_path / "loop.yaml"
    os.symlink(loop, loop)
    for path, says in ((tmp_path / "zero.yaml", "is not a regular file"), (loop, "cannot be read")):
        if path.name == "zero.yaml":
            os.symlink("/dev/zero", path)
        with pytest.raises(InputError) as caught:
            load_yaml(path)
        assert says in caught.value.problems[0].message


# -- the parties' own wording ----------------------------------------------------------------


def test_reserved_private_use_characters_in_custom_text_are_refused(tmp_path):
    text = MINI_SPEC.replace(
        "clauses:\n", 'clauses:\n  meetings.chair:\n    text: "Chair \\ue0000\\ue001 here"\n', 1
    )
    (problem,) = spec_problems(tmp_path, text)
    assert problem.field == "clauses.meetings.chair.text" and "U+E000 or U+E001" in problem.message


def test_word_output_keeps_docxtpl_escapes_as_typed(tmp_path, mini_library):
    name = "Trust {_{ x }_} and {_% y %_}"
    spec = MINI_SPEC.replace("name: Example NHS Trust", f"name: '{name}'")
    (agreement,) = assemble(
        load_spec(make_tree(tmp_path, {"s.yaml": spec}) / "s.yaml"), load_library(mini_library)
    )
    with zipfile.ZipFile(io.BytesIO(render(agreement, "docx"))) as z:
        document = z.read("word/document.xml").decode()
    assert "{_{ x }_} and {_% y %_}" in document and "{{ x }}" not in document


def test_no_break_and_double_spaces_in_values_are_kept(tmp_path, mini_library):
    spec = MINI_SPEC.replace("name: Example NHS Trust", "name: 'Example\u00a0NHS  Trust'")
    (agreement,) = assemble(
        load_spec(make_tree(tmp_path, {"s.yaml": spec}) / "s.yaml"), load_library(mini_library)
    )
    assert "Example\u00a0NHS  Trust" in block_text(agreement.clause("parties.parties").blocks[0])


# -- templates from a third-party library -------------------------------------------------


@pytest.mark.parametrize(
    ("template", "says"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "past 200,000 steps",
        ),
        ("{{ 9 ** (9 ** 9) }}", "too large a number"),
        ("{{ 10 ** 5000 }}", "too large a number"),
        ("{{ 'x' * 800000000 }}", "over 100,000 items"),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", "calls itself too deeply"),
        ("{{ org.update({'name': 'Other'}) }}", "not allowed by the sandbox"),
        ("{% for i in range(6) %}{{ 'abcdefghij' * 10000 }}{% endfor %}", "more than 500,000 characters"),
    ],
)
def test_hostile_templates_are_bounded_and_name_the_clause(template, says, mini_library, tmp_path, run_cli):
    meetings = mini_library / "meetings.yaml"
    meetings.write_text(
        meetings.read_text().replace(
            "text: The [[Staff Side]] may call an extra meeting.", f'text: "{template}"'
        )
    )
    code, _, stderr = run_cli("validate", mini_library)
    assert code == 1 and "Traceback" not in stderr and "internal error" not in stderr
    assert "meetings.extra.text" in stderr and says in stderr


# -- command-line values written into files ------------------------------------------------


def test_compare_refuses_an_author_or_date_word_cannot_hold(mini_library, tmp_path, run_cli):
    spec = make_tree(tmp_path, {"s.yaml": MINI_SPEC}) / "s.yaml"
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        "compare", spec, spec, "-o", out, "--old-library", mini_library, "--author", "a\x01b"
    )
    assert code == 2 and "--author" in stderr and not out.exists()
    code, _, stderr = run_cli(
        "compare", spec, spec, "-o", out, "--old-library", mini_library, "--date", "0001-01-01"
    )
    assert code == 2 and "give a date from 1980 to 2099" in stderr and not out.exists()


# -- settings that would be ignored ----------------------------------------------------------

WELSH = """\
agreements: [partnership]
organisation:
  name: Teifi Valley University Health Board
  short_name: Teifi Valley
  type: health_board
  nation: wales
  headcount: 9000
unions: [{name: UNISON, short_name: UNISON}]
dates: {effective: 2026-04-01}
clauses:
  structure.forum:
    params: {forum_name: Joint Partnership Forum}
  meetings.chair:
    variant: co_chairs
    text: The chief executive chairs.
"""


def test_settings_the_chosen_wording_never_uses_are_warned_of(tmp_path, run_cli):
    spec = make_tree(tmp_path, {"w.yaml": WELSH}) / "w.yaml"
    code, _, stderr = run_cli("validate", spec)
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert any(
        "structure.forum.params.forum_name: has no effect" in w and "for Wales does not use it" in w
        for w in warnings
    ), warnings
    assert any("meetings.chair.variant: has no effect: the parties' own text replaces" in w for w in warnings)
    code, _, stderr = run_cli("build", spec, "-o", tmp_path / "out", "-f", "md")
    assert code == 0 and "warning:" in stderr and "forum_name" in stderr


def test_a_full_disk_names_the_file_and_leaves_nothing_half_written(
    tmp_path, run_cli, monkeypatch, mini_library
):
    import errno

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    spec = make_tree(tmp_path, {"s.yaml": MINI_SPEC}) / "s.yaml"
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", spec, "-o", out, "--library", mini_library, "-f", "md")
    assert code == 1 and "Traceback" not in stderr
    assert "example-partnership.md: No space left on device" in stderr
    assert not [p for p in out.rglob("*") if p.is_file()]


def test_written_files_respect_the_umask_and_reach_the_disk(tmp_path, monkeypatch):
    from agreement_kit.utils import atomic_write

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    old = os.umask(0o027)
    try:
        atomic_write.write_atomic(tmp_path / "a.txt", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert len(synced) == 2  # the file, then its folder


def test_files_written_together_reach_the_disk_before_the_last_is_in_place(tmp_path, monkeypatch):
    from agreement_kit.utils import atomic_write

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("flush"), real_fsync(fd)))
    monkeypatch.setattr(
        os,
        "replace",
        lambda source, target: (events.append(f"in place {target.name}"), real_replace(source, target)),
    )
    old = os.umask(0o027)
    try:
        atomic_write.write_atomic_all(
            [(tmp_path / "a.md", b"a"), (tmp_path / "b.md", b"b")], last=(tmp_path / "record", b"done")
        )
    finally:
        os.umask(old)
    # three files flushed, two put in place, the folder flushed, then the record, the folder again
    assert events == ["flush"] * 3 + ["in place a.md", "in place b.md", "flush", "in place record", "flush"]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "a.md": b"a",
        "b.md": b"b",
        "record": b"done",
    }
    assert all(p.stat().st_mode & 0o777 == 0o640 for p in tmp_path.iterdir())


def test_files_written_together_on_a_full_disk_name_the_file_and_leave_nothing(tmp_path, monkeypatch):
    import errno

    from agreement_kit.utils import atomic_write

    real_fsync = os.fsync
    flushed = []

    def no_space_for_the_second(fd):
        flushed.append(fd)
        if len(flushed) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", no_space_for_the_second)
    (tmp_path / "b.md").write_bytes(b"old")
    with pytest.raises(OSError) as caught:
        atomic_write.write_atomic_all(
            [(tmp_path / "a.md", b"a"), (tmp_path / "b.md", b"b")], last=(tmp_path / "record", b"done")
        )
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename in (str(tmp_path / "a.md"), str(tmp_path / "b.md"), str(tmp_path / "record"))
    assert [p.name for p in tmp_path.iterdir()] == ["b.md"]  # the old file as it was, no temporaries
    assert (tmp_path / "b.md").read_bytes() == b"old"
