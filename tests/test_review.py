"""Review findings over a spec with known departures from the model."""

from __future__ import annotations

import pytest
from conftest import MINI_SPEC, checklist_yaml, departures_spec, make_tree

from agreement_kit import load_library, load_spec
from agreement_kit.reviewing.review import review
from agreement_kit.utils.redline import words_redline

CHECKLIST = checklist_yaml(
    "test-list",
    "Test checklist",
    {
        "parties": ("The parties are named", "parties.parties"),
        "meetings": ("Meetings are regular", "meetings.frequency"),
    },
)

# The braces stay as typed: custom text is data, not a template.
DEPARTURES = departures_spec("This agreement binds {{ org.name }} and its unions below.")


@pytest.fixture
def reviewed(mini_library, tmp_path):
    make_tree(mini_library, {"checklists": {"test.yaml": CHECKLIST}})
    # meetings.frequency must cite the checklist's instrument to cover it
    meetings = mini_library / "meetings.yaml"
    meetings.write_text(
        meetings.read_text().replace(
            "note: A forum that meets rarely is bypassed.",
            "note: A forum that meets rarely is bypassed.\n    references: [tulrca-1992-s178]",
        )
    )
    spec = make_tree(tmp_path, {"spec.yaml": DEPARTURES}) / "spec.yaml"
    return review(load_spec(spec), load_library(mini_library))


def by_category(result, category):
    return [f for f in result.findings if f.category == category]


def test_custom_wording_has_a_word_redline(reviewed):
    (finding,) = [f for f in by_category(reviewed, "wording") if f.clause_id == "parties.parties"]
    assert finding.severity == "medium"
    assert "Shorter wording preferred by the board." in finding.detail[0]
    deleted = "".join(t for op, t in finding.redline.runs if op == "-")
    inserted = "".join(t for op, t in finding.redline.runs if op == "+")
    assert "is between Example NHS Trust" in deleted and "the" in deleted
    assert "binds" in inserted and "its" in inserted
    assert "UNISON" not in deleted + inserted  # the generated union list is the same on both sides
    # Custom text is data, not a template: the braces stay as typed.
    assert "{{ org.name }}" in inserted


def test_parameter_below_guidance(reviewed):
    (finding,) = by_category(reviewed, "parameter")
    assert finding.clause_id == "meetings.frequency" and finding.severity == "medium"
    assert "4 is below the guidance minimum of 6" in finding.summary


def test_non_recommended_variant_with_its_commentary(reviewed):
    (finding,) = by_category(reviewed, "variant")
    assert finding.clause_id == "meetings.chair"
    assert "Management chairs" in finding.summary and "Chair alternates" in finding.summary
    assert "Staff side often resists a fixed chair." in finding.detail[0]


def test_absent_recommended_clause(reviewed):
    (finding,) = by_category(reviewed, "absent")
    assert finding.clause_id == "parties.definitions" and finding.severity == "high"


def test_stale_citation(reviewed):
    (finding,) = by_category(reviewed, "citation")
    assert finding.clause_id == "meetings.extra"
    assert (
        "Old Act s.1, which is not in force for this agreement (ended 2020-01-01 by a New Act)"
        in finding.summary
    )
    assert finding.detail[0] == "Reason given: Kept while the successor scheme beds in."


def test_checklist_statuses(reviewed):
    statuses = {r.item: r.status for r in reviewed.checklists}
    # parties.parties has custom wording; meetings.frequency is below guidance
    assert statuses == {"parties": "weakened", "meetings": "weakened"}
    assert reviewed.worst() == "high"
    assert "1 high" in reviewed.summary() and "Test checklist: 0/2 covered" in reviewed.summary()


def test_model_spec_has_no_findings(mini_library, tmp_path):
    spec = make_tree(tmp_path, {"spec.yaml": MINI_SPEC.replace("per_year: 8", "per_year: 6")}) / "spec.yaml"
    result = review(load_spec(spec), load_library(mini_library))
    assert result.findings == []


def test_scottish_nation_variant_is_not_a_departure(mini_library, tmp_path):
    spec = (
        make_tree(tmp_path, {"spec.yaml": MINI_SPEC.replace("nation: england", "nation: scotland")})
        / "spec.yaml"
    )
    result = review(load_spec(spec), load_library(mini_library))
    assert by_category(result, "variant") == []


def test_redline_of_identical_texts_is_unchanged():
    assert not words_redline("a b c", "a b c").changed
    assert words_redline("a b c", "a x c").changed


def test_a_recommended_clause_left_out_with_a_reason_is_weighed_not_flagged_high(mini_library, tmp_path):
    from conftest import MINI_SPEC, make_tree

    from agreement_kit import load_library, load_spec

    reason = "The terms are defined in the policy handbook."
    spec = MINI_SPEC + f"remove:\n  - {{id: parties.definitions, reason: {reason}}}\n"
    result = review(load_spec(make_tree(tmp_path, {"r.yaml": spec}) / "r.yaml"), load_library(mini_library))
    (finding,) = [f for f in result.findings if f.category == "absent"]
    assert finding.severity == "medium"
    assert finding.detail[0] == "Reason given: The terms are defined in the policy handbook."
