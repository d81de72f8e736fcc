"""Hostile input: values are data, templates are sandboxed, YAML is bounded, paths stay put."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import markdown
import pytest
from conftest import MINI_SPEC, REPO, line_of, make_tree

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.render import render
from agreement_kit.utils.errors import InputError

HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "Smith & Jones <Holdings> \"quoted\" 'single'",
    "*stars* _under_ `code` [link](http://x) | pipe # hash \\ back",
    "[[meetings.chair]] [[Forum]] **bold**",
    "<script>alert(1)</script> &amp; &lt;",
    "Ysbyty Gwynedd — Bwrdd Iechyd Prifysgol ŵ ŷ",
]


def text_of_html(html: str) -> str:
    chunks: list[str] = []

    class Collect(HTMLParser):
        def handle_data(self, data):
            chunks.append(data)

    Collect().feed(html)
    return "".join(chunks)


def outputs_for(name: str, mini_library: Path, tmp_path: Path):
    yaml_name = name.replace("\\", "\\\\").replace('"', '\\"')
    text = MINI_SPEC.replace("name: Example NHS Trust", f'name: "{yaml_name}"')
    spec = make_tree(tmp_path, {"spec.yaml": text}) / "spec.yaml"
    (agreement,) = assemble(load_spec(spec), load_library(mini_library))
    return agreement, {fmt: render(agreement, fmt) for fmt in ("docx", "md", "html")}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_values_appear_literally_in_every_format(name, mini_library, tmp_path):
    agreement, files = outputs_for(name, mini_library, tmp_path)
    assert agreement.organisation == name
    # the parties clause says "between <name> and the unions below" in the body
    document = docx.Document(io.BytesIO(files["docx"]))
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"between {name} and the unions below" in body
    html_from_md = markdown.markdown(files["md"].decode(), extensions=["footnotes", "tables"])
    assert f"between {name} and the unions below" in text_of_html(html_from_md)
    assert f"between {name} and the unions below" in text_of_html(files["html"].decode())
    assert "<script>" not in files["html"].decode()


def test_control_characters_are_refused_with_the_field(mini_library, tmp_path):
    spec = (
        make_tree(
            tmp_path, {"spec.yaml": MINI_SPEC.replace("name: Example NHS Trust", 'name: "Bad\\x0bName"')}
        )
        / "spec.yaml"
    )
    with pytest.raises(InputError) as caught:
        load_spec(spec)
    (problem,) = caught.value.problems
    assert problem.field == "organisation.name" and "U+000B" in problem.message


@pytest.mark.parametrize(
    ("original", "broken", "field"),
    [
        ("title: Frequency", 'title: "Freq\\x01uency"', "clauses[0].title"),
        ("note: Who chairs shapes the agenda.", 'note: "Who chairs\\x1f shapes it."', "clauses[1].note"),
        ("label: Chair alternates", 'label: "Chair\\x07 alternates"', "clauses[1].variants"),
    ],
)
def test_control_characters_in_a_clause_library_are_refused(original, broken, field, mini_library, run_cli):
    # A third-party library is input too: refused by file, line and field,
    # not left to fail inside the Word renderer.
    meetings = mini_library / "meetings.yaml"
    text = meetings.read_text()
    assert original in text
    meetings.write_text(text.replace(original, broken, 1))
    with pytest.raises(InputError) as caught:
        load_library(mini_library)
    (problem,) = caught.value.problems
    assert problem.file.endswith("meetings.yaml") and problem.line == line_of(meetings.read_text(), broken)
    assert problem.field.startswith(field) and "control character" in problem.message
    code, _, stderr = run_cli("validate", "--library", mini_library, REPO / "samples" / "test-mini.yaml")
    assert code == 1 and "meetings.yaml:" in stderr and "Traceback" not in stderr


def test_lone_surrogate_is_refused(mini_library, tmp_path):
    spec = (
        make_tree(tmp_path, {"spec.yaml": MINI_SPEC.replace("name: Example NHS Trust", 'name: "Bad\\ud800"')})
        / "spec.yaml"
    )
    with pytest.raises(InputError) as caught:
        load_spec(spec)
    (problem,) = caught.value.problems
    assert problem.field == "organisation.name" and "not valid Unicode" in problem.message


def test_sandbox_refuses_unsafe_attributes(mini_library, tmp_path):
    meetings = mini_library / "meetings.yaml"
    meetings.write_text(
        meetings.read_text().replace("{{ per_year | words }}", "{{ per_year.__class__.__subclasses__() }}")
    )
    spec = make_tree(tmp_path, {"spec.yaml": MINI_SPEC}) / "spec.yaml"
    with pytest.raises(InputError) as caught:
        assemble(load_spec(spec), load_library(mini_library))
    (problem,) = caught.value.problems
    assert problem.field == "meetings.frequency.text"
    assert "not allowed by the sandbox" in problem.message or "unsafe" in problem.message


def test_missing_template_value_is_an_error_not_a_blank(mini_library, tmp_path):
    meetings = mini_library / "meetings.yaml"
    meetings.write_text(meetings.read_text().replace("{{ per_year | words }}", "{{ perr_year }}"))
    spec = make_tree(tmp_path, {"spec.yaml": MINI_SPEC}) / "spec.yaml"
    with pytest.raises(InputError) as caught:
        assemble(load_spec(spec), load_library(mini_library))
    assert "'perr_year' is undefined" in str(caught.value)


def test_alias_expansion_is_bounded(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    spec = make_tree(tmp_path, {"laughs.yaml": "\n".join(lines) + "\n"}) / "laughs.yaml"
    with pytest.raises(InputError) as caught:
        load_spec(spec)
    assert "alias expansion" in str(caught.value)


def test_very_large_file_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "a" * 3_000_000 + "\n")
    with pytest.raises(InputError) as caught:
        load_spec(big)
    assert "the limit is" in str(caught.value)


@pytest.mark.parametrize("short_name", ["../../etc", "/abs/path", "CON", "..", "nul"])
def test_file_names_stay_in_the_output_folder(short_name, mini_library, tmp_path, run_cli):
    spec = (
        make_tree(
            tmp_path, {"spec.yaml": MINI_SPEC.replace("short_name: Example", f'short_name: "{short_name}"')}
        )
        / "spec.yaml"
    )
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", spec, "-o", out, "--library", mini_library, "--format", "md")
    assert code == 0, stderr
    for line in stdout.splitlines():
        path = Path(line).resolve()
        assert path.parent == out.resolve()
        assert path.name.split("-partnership")[0] not in {"", ".", "..", "con", "nul"}


def test_bad_slug_is_refused(mini_library, tmp_path):
    spec = (
        make_tree(
            tmp_path,
            {"spec.yaml": MINI_SPEC.replace("  headcount: 1200", "  headcount: 1200\n  slug: ../evil")},
        )
        / "spec.yaml"
    )
    with pytest.raises(InputError) as caught:
        load_spec(spec)
    assert caught.value.problems[0].field == "organisation.slug"


def test_mutually_defined_terms_terminate(mini_library, tmp_path):
    terms = mini_library / "terms.yaml"
    terms.write_text(
        terms.read_text()
        .replace("the recognised trade unions acting together", "the unions on the [[Forum]]")
        .replace("the partnership forum of {{ org.name }}", "the forum where the [[Staff Side]] meets")
    )
    spec = make_tree(tmp_path, {"spec.yaml": MINI_SPEC}) / "spec.yaml"
    (agreement,) = assemble(load_spec(spec), load_library(mini_library))
    assert [d.term for d in agreement.definitions] == ["Forum", "Staff Side"]


def test_docx_zip_has_no_absolute_or_parent_paths(mini_library, tmp_path):
    _, files = outputs_for("Example", mini_library, tmp_path)
    names = zipfile.ZipFile(io.BytesIO(files["docx"])).namelist()
    assert not [n for n in names if n.startswith("/") or ".." in n]
