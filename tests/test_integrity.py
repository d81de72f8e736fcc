"""Integrity checks on every build: each planted defect is an error naming the
spec line (or library line) that causes it; the same spec without the defect builds."""

from __future__ import annotations

import pytest
from conftest import MINI_SPEC, REPO, line_of, make_tree

from agreement_kit import InputError, assemble, load_library, load_spec
from agreement_kit.assembly.model import block_text
from agreement_kit.reviewing.review import review


def build(tmp_path, library, spec_text: str, name: str = "spec.yaml"):
    path = make_tree(tmp_path, {name: spec_text}) / name
    return assemble(load_spec(path), load_library(library))


def errors(tmp_path, library, spec_text: str) -> list:
    with pytest.raises(InputError) as caught:
        build(tmp_path, library, spec_text)
    return caught.value.problems


WITHOUT_OVERRIDE = MINI_SPEC.split("law_overrides:")[0]


# -- law as at the effective date and nation ------------------------------------------


def test_citing_law_not_in_force_is_an_error_at_the_effective_date(mini_library, tmp_path):
    spec = WITHOUT_OVERRIDE + "add: [meetings.extra]\n"
    (problem,) = errors(tmp_path, mini_library, spec)
    assert problem.field == "dates.effective" and problem.line == line_of(spec, "dates:")
    assert "clause 2.3 (meetings.extra) cites Old Act s.1" in problem.message
    assert "not in force in England on 2026-04-01 (ended 2020-01-01)" in problem.message
    assert "law_overrides" in problem.message


def test_the_same_law_is_fine_before_it_ended(mini_library, tmp_path):
    spec = (
        WITHOUT_OVERRIDE.replace("effective: 2026-04-01", "effective: 2019-04-01") + "add: [meetings.extra]\n"
    )
    (agreement,) = build(tmp_path, mini_library, spec)
    citation = agreement.clause("meetings.extra").citations[0]
    assert citation.in_force and citation.override is None


def test_an_override_needs_a_known_reference_and_is_reviewed_with_its_reason(mini_library, tmp_path):
    bad = MINI_SPEC.replace("reference: old-act", "reference: no-such-act")
    (problem,) = errors(tmp_path, mini_library, bad + "add: [meetings.extra]\n")
    assert (
        problem.field == "law_overrides[0].reference" and "unknown reference 'no-such-act'" in problem.message
    )
    result = review(
        load_spec(make_tree(tmp_path, {"ok.yaml": MINI_SPEC + "add: [meetings.extra]\n"}) / "ok.yaml"),
        load_library(mini_library),
    )
    (finding,) = [f for f in result.findings if f.category == "citation"]
    assert "Reason given: Kept while the successor scheme beds in." in finding.detail


def test_in_force_switches_the_words_and_conditional_citations(mini_library, tmp_path):
    make_tree(
        mini_library,
        {
            "meetings.yaml": (mini_library / "meetings.yaml")
            .read_text()
            .replace(
                "text: The [[Staff Side]] may call an extra meeting.",
                "text: \"The [[Staff Side]] may call an extra meeting{% if in_force('old-act') %}"
                ' under the Old Act{% endif %}."',
            )
            .replace("references: [old-act]", "references_when_in_force: [old-act]")
        },
    )
    old = (
        WITHOUT_OVERRIDE.replace("effective: 2026-04-01", "effective: 2019-04-01") + "add: [meetings.extra]\n"
    )
    new = WITHOUT_OVERRIDE + "add: [meetings.extra]\n"
    (before,) = build(tmp_path, mini_library, old, "old.yaml")
    (after,) = build(tmp_path, mini_library, new, "new.yaml")
    assert "under the Old Act" in str(before.clause("meetings.extra").blocks)
    assert [c.key for c in before.clause("meetings.extra").citations] == ["old-act"]
    assert "under the Old Act" not in str(after.clause("meetings.extra").blocks)
    assert after.clause("meetings.extra").citations == ()


def test_an_instrument_that_does_not_extend_to_the_nation_is_not_in_force_there(tmp_path):
    library = load_library()
    docas = library.instruments["docas-public-sector-regs-2024"]
    import datetime as dt

    assert docas.in_force("england", dt.date(2025, 4, 1))
    assert not docas.in_force("wales", dt.date(2025, 4, 1))
    assert not docas.in_force("england", dt.date(2026, 4, 1))
    assert not docas.in_force("england", dt.date(2024, 4, 1))


@pytest.mark.parametrize(
    "nation, effective, revoked",
    [
        ("england", "2022-07-20", False),
        ("england", "2023-01-01", True),
        ("england", "2023-08-09", True),
        ("england", "2023-08-10", False),
        ("wales", "2023-01-01", True),
        ("wales", "2026-10-01", False),
    ],
)
def test_agency_supply_note_follows_the_gap_in_regulation_7(tmp_path, nation, effective, revoked):
    # The 2022 Amendment Regulations revoked reg.7 from 21 July 2022 until the High Court
    # quashed them with effect from 10 August 2023 ([2023] EWHC 1781 (Admin)); the Welsh
    # bar on hiring agency workers (Trade Union (Wales) Act 2017 s.2) ran throughout.
    spec = (
        (REPO / "samples" / "ambulance-trust.yaml")
        .read_text()
        .replace("effective: 2026-10-01", f"effective: {effective}")
        .replace("nation: england", f"nation: {nation}")
    )
    path = make_tree(tmp_path, {"amb.yaml": spec}) / "amb.yaml"
    (partnership,) = [a for a in assemble(load_spec(path), load_library()) if a.kind == "partnership"]
    clause = partnership.clause("industrial_action.protocol")
    note = " ".join(block_text(b) for b in clause.note)
    keys = [c.key for c in clause.citations]
    assert ("stands revoked by the Conduct of Employment Agencies" in note) is revoked
    assert ("Employment businesses may not knowingly supply workers" in note) is not revoked
    assert ("agency-regs-2022-amendment" in keys) is revoked
    assert ("NHS Wales bodies are themselves barred" in note) is (nation == "wales")
    assert ("rests on this agreement alone" in note) is (revoked and nation == "england")


# -- defined terms that need their clause ---------------------------------------------


def test_a_term_used_without_the_clause_it_needs_is_an_error(mini_library, tmp_path):
    terms = (mini_library / "terms.yaml").read_text()
    make_tree(
        mini_library,
        {
            "terms.yaml": terms
            + "  Extra Meeting:\n    requires: [meetings.extra]\n    definition: a meeting\n",
            "parties.yaml": (mini_library / "parties.yaml")
            .read_text()
            .replace("and the unions below.", "and the unions below, who may hold an [[Extra Meeting]]."),
        },
    )
    (problem,) = errors(tmp_path, mini_library, MINI_SPEC)
    assert problem.file.endswith("parties.yaml") and problem.field == "parties.parties.text"
    assert (
        "uses the term \u201cExtra Meeting\u201d (clause 1.1), which means nothing without meetings.extra"
        in (problem.message)
    )
    build(tmp_path, mini_library, MINI_SPEC + "add: [meetings.extra]\n")  # with the clause it is fine


# -- unions named are parties -----------------------------------------------------------


def test_a_union_named_in_the_wording_must_be_a_party(mini_library, tmp_path):
    make_tree(
        mini_library, {"unions.yaml": "unions:\n  - {name: British Medical Association, also: [BMA]}\n"}
    )
    spec = MINI_SPEC.replace(
        "clauses:\n",
        "clauses:\n  meetings.chair:\n    text: The BMA's representative chairs.\n    reason: x\n",
        1,
    )
    (problem,) = errors(tmp_path, mini_library, spec)
    assert problem.field == "clauses.meetings.chair" and problem.line == line_of(spec, "  meetings.chair:")
    assert "names BMA, which is not one of the unions party to this agreement" in problem.message
    with_bma = spec.replace(
        "unions:\n", "unions:\n  - {name: British Medical Association, short_name: BMA}\n", 1
    )
    build(tmp_path, mini_library, with_bma, "ok.yaml")


def test_a_staff_side_signatory_signs_for_a_party(mini_library, tmp_path):
    spec = MINI_SPEC.replace("organisation: UNISON}", "organisation: GMB Southern Region}")
    (problem,) = errors(tmp_path, mini_library, spec)
    assert problem.field == "signatories[1].organisation"
    assert "GMB Southern Region names none of the unions" in problem.message
    regional = MINI_SPEC.replace("organisation: UNISON}", "organisation: UNISON Eastern Region}")
    build(tmp_path, mini_library, regional, "ok.yaml")  # a region of a party union signs for it


# -- the library's checks across values -------------------------------------------------

BUNDLED = """\
agreements: [partnership]
organisation:
  {name: Example NHS Trust, short_name: Example, type: acute_trust, nation: england, headcount: 900}
unions: [{name: UNISON, short_name: UNISON}]
dates: {effective: 2026-04-01}
clauses:
  meetings.membership:
    params:
      management_members: 3
"""


def test_more_named_roles_than_seats_is_an_error(tmp_path):
    spec = BUNDLED + "      management_roles: [a director, another director, a third, a fourth]\n"
    problems = errors(tmp_path, None, spec)
    (roles,) = [p for p in problems if "roles" in p.message]
    assert roles.field == "clauses.meetings.membership.params.management_roles"
    assert "names 4 Management Side roles for 3 seats" in roles.message


def test_a_quorum_larger_than_a_side_is_an_error(tmp_path):
    spec = BUNDLED + (
        "      management_roles: [a director]\n"
        "  meetings.quorum:\n    variant: per_side\n    params: {quorum_per_side: 5}\n"
    )
    (problem,) = errors(tmp_path, None, spec)
    assert problem.field == "clauses.meetings.quorum.params.quorum_per_side"
    assert "a quorum of 5 from each side cannot be met when a side has 3 seats" in problem.message
    build(tmp_path, None, spec.replace("quorum_per_side: 5", "quorum_per_side: 3"), "ok.yaml")


# -- leaving a clause out ---------------------------------------------------------------


def test_a_clause_mentioned_only_in_commentary_can_be_left_out(mini_library, tmp_path):
    make_tree(
        mini_library,
        {
            "parties.yaml": (mini_library / "parties.yaml")
            .read_text()
            .replace("note: Names who is bound.", "note: Names who is bound; see also [[meetings.extra]].")
        },
    )
    (agreement,) = build(tmp_path, mini_library, MINI_SPEC)  # meetings.extra is optional and not added
    assert "the \u201cExtra meetings\u201d clause" in str(agreement.clause("parties.parties").note)


def test_removing_a_clause_the_wording_refers_to_points_at_the_remove_line(mini_library, tmp_path):
    spec = MINI_SPEC + "remove:\n  - {id: meetings.chair, reason: The board chairs all committees.}\n"
    (problem,) = errors(tmp_path, mini_library, spec)
    assert problem.field == "remove[0].id" and problem.line == line_of(spec, "  - {id: meetings.chair")
    assert (
        "meetings.chair cannot be left out: the wording of meetings.frequency (Frequency) refers to it"
        in (problem.message)
    )


def test_every_bundled_sample_passes_the_integrity_checks():
    from conftest import REPO

    library = load_library()
    for path in sorted((REPO / "samples").glob("*.yaml")):
        assemble(load_spec(path), library)  # raises InputError on any integrity problem
