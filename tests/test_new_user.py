"""What a first-time user meets: a starter spec, spreadsheet-style values, and
messages that say how to fix the mistake."""

from __future__ import annotations

import pytest
from conftest import make_tree

from agreement_kit import InputError, load_spec

SPEC = """\
agreements: [partnership]
organisation: {name: A Trust, short_name: A, type: acute_trust, nation: england, headcount: HEADCOUNT}
unions: [{name: UNISON, short_name: UNISON}]
dates: {effective: EFFECTIVE}
"""


def spec(tmp_path, headcount="1200", effective="2026-04-01"):
    text = SPEC.replace("HEADCOUNT", headcount).replace("EFFECTIVE", effective)
    return make_tree(tmp_path, {"s.yaml": text}) / "s.yaml"


def test_spreadsheet_numbers_and_unambiguous_uk_dates_are_read(tmp_path):
    loaded = load_spec(spec(tmp_path, headcount="'4,200'", effective="31/03/2027"))
    assert loaded.spec.organisation.headcount == 4200
    assert loaded.spec.dates.effective.isoformat() == "2027-03-31"
    assert (
        load_spec(spec(tmp_path, effective="'07/07/2027'")).spec.dates.effective.isoformat() == "2027-07-07"
    )


@pytest.mark.parametrize(
    ("effective", "says"),
    [
        ("01/07/2026", "could be 1 July or 7 January; write it as YYYY-MM-DD, e.g. 2026-07-01"),
        ("31/02/2026", "is not a real date"),
        ("next April", "is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_ambiguous_or_wrong_dates_say_how_to_write_them(tmp_path, effective, says):
    with pytest.raises(InputError) as caught:
        load_spec(spec(tmp_path, effective=effective))
    (problem,) = caught.value.problems
    assert problem.field == "dates.effective" and says in problem.message


def test_tabs_lists_and_wrong_files_get_a_message_a_user_can_act_on(tmp_path):
    tabbed = (
        make_tree(tmp_path, {"t.yaml": "agreements: [partnership]\norganisation:\n\tname: x\n"}) / "t.yaml"
    )
    listed = make_tree(tmp_path, {"l.yaml": "- a\n- b\n"}) / "l.yaml"
    word = make_tree(tmp_path, {"d.docx": "x"}) / "d.docx"
    table = make_tree(tmp_path, {"t.csv": "a,b\n"}) / "t.csv"
    for path, says in (
        (tabbed, "indent with spaces"),
        (listed, "must be a set of fields (key: value lines), not a list"),
        (word, "agreement-kit review DRAFT.docx"),
        (table, "agreement-kit batch TABLE --base SPEC"),
    ):
        with pytest.raises(InputError) as caught:
            load_spec(path)
        message = caught.value.problems[0].message
        assert says in message and "instance of" not in message


def test_init_writes_a_starter_that_builds_and_still_builds_with_every_setting_uncommented(tmp_path, run_cli):
    for nation in ("england", "scotland", "wales"):
        out = tmp_path / f"{nation}.yaml"
        code, stdout, stderr = run_cli("init", "--nation", nation, "-o", out)
        assert code == 0, stderr
        assert stdout.strip() == str(out)
        lines, in_clauses = [], False
        for line in out.read_text().splitlines():
            in_clauses = in_clauses or line.startswith("clauses:")
            if in_clauses and line.startswith("  # ") and not line.startswith("  # ---"):
                line = line.replace("# ", "", 1)
            lines.append(line)
        uncommented = tmp_path / f"{nation}-all.yaml"
        uncommented.write_text("\n".join(lines) + "\n")
        code, _, stderr = run_cli("validate", out, uncommented)
        assert code == 0, stderr
    code, _, stderr = run_cli("init", "-o", tmp_path / "england.yaml")
    assert code == 2 and "exists" in stderr  # never overwrites


def test_a_spec_defines_its_own_terms_and_may_redefine_the_librarys(tmp_path):
    from agreement_kit import assemble, load_library
    from agreement_kit.assembly.model import plain

    text = SPEC.replace("HEADCOUNT", "300").replace("EFFECTIVE", "2026-04-01") + (
        "terms:\n"
        "  Locality Group: a meeting of the Forum's members for one locality\n"
        "  Forum: the Joint Partnership Committee of the Employer\n"
        "clauses:\n"
        "  meetings.frequency:\n"
        "    text: The [[Forum]] meets monthly, and each [[Locality Group]] quarterly.\n"
    )
    path = make_tree(tmp_path, {"own.yaml": text}) / "own.yaml"
    (agreement,) = assemble(load_spec(path), load_library())
    definitions = {d.term: plain(d.inlines) for d in agreement.definitions}
    assert definitions["Locality Group"] == "a meeting of the Forum's members for one locality"
    assert definitions["Forum"] == "the Joint Partnership Committee of the Employer"
    typo = text.replace("each [[Locality Group]]", "each [[Locality group]]")
    bad = make_tree(tmp_path, {"typo.yaml": typo}) / "typo.yaml"
    with pytest.raises(InputError) as caught:
        assemble(load_spec(bad), load_library())
    assert "did you mean 'Locality Group'?" in caught.value.problems[0].message


def test_clauses_list_shows_order_optional_variants_and_parameters(run_cli):
    code, stdout, _ = run_cli("clauses", "list", "--kind", "partnership")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].startswith("parties.parties") and "partnership 1.1" in lines[0]
    lnc = next(line for line in lines if line.startswith("structure.lnc"))
    assert lnc.endswith("optional")
    chair = lines.index(next(line for line in lines if line.startswith("meetings.chair ")))
    assert lines[chair + 1].strip().startswith("variants: alternating, co_chairs, fixed")
