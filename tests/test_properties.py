"""Property-based: any generated spec ends in complete outputs or a clear error, never a traceback."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import docx
import yaml
from conftest import MINI_LIBRARY, make_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

any_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(
        ["{{ 7*7 }}", "{% raw %}", "[[Forum]]", "**", "&<>\"'", "\x00", "\x0b", "| a | b |", "../..", "CON"]
    ),
)
scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), hostile_text
)

specs = st.fixed_dictionaries(
    {
        "agreements": st.one_of(st.just(["partnership"]), st.lists(hostile_text, max_size=2)),
        "organisation": st.fixed_dictionaries(
            {
                "name": hostile_text,
                "short_name": hostile_text,
                "type": st.sampled_from(["acute_trust", "icb", "health_board", "spaceship"]),
                "nation": st.sampled_from(["england", "scotland", "wales", "mars"]),
                "headcount": st.one_of(st.integers(-5, 10**6), hostile_text),
            }
        ),
        "unions": st.lists(
            st.fixed_dictionaries({"name": hostile_text, "short_name": hostile_text}), max_size=3
        ),
        "dates": st.fixed_dictionaries({"effective": st.dates().map(str)}),
        "clauses": st.dictionaries(
            st.sampled_from(["meetings.frequency", "meetings.chair", "parties.parties", "no.such"]),
            st.fixed_dictionaries(
                {},
                optional={
                    "params": st.dictionaries(st.sampled_from(["per_year", "other"]), scalar, max_size=2),
                    "variant": st.sampled_from(["alternating", "fixed", "weird"]),
                    "text": hostile_text,
                },
            ),
            max_size=3,
        ),
    },
    optional={
        "remove": st.lists(st.sampled_from(["meetings.chair", "meetings.extra", "x.y"]), max_size=2),
        "add": st.lists(st.sampled_from(["meetings.extra", "parties.parties"]), max_size=2),
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs)
def test_generated_specs_build_or_fail_cleanly(spec, tmp_path_factory, run_cli):
    root = tmp_path_factory.mktemp("prop")
    library = make_tree(root / "lib", MINI_LIBRARY)
    spec_path = root / "spec.yaml"
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    out = root / "out"
    code, stdout, stderr = run_cli("build", spec_path, "-o", out, "--library", library)
    assert "Traceback" not in stderr and "internal error" not in stderr
    if code == 0:
        written = stdout.splitlines()
        assert len(written) == 3
        for line in written:
            data = Path(line).read_bytes()
            assert data
            if line.endswith(".docx"):
                zipfile.ZipFile(io.BytesIO(data)).testzip()
                document = docx.Document(io.BytesIO(data))
                name = unicodedata.normalize("NFC", spec["organisation"]["name"].strip())
                assert any(name in p.text for p in document.paragraphs)
    else:
        assert code == 1, stderr
        assert stdout == ""
        assert stderr.startswith("error: ")
        assert not out.exists() or not any(out.iterdir())
