"""The review knows which side a choice favours, and judges checklist items on content."""

from __future__ import annotations

import re

from conftest import MINI_SPEC, make_tree

from agreement_kit import load_library, load_spec
from agreement_kit.reviewing.review import review


def reviewed(tmp_path, library, spec_text: str):
    path = make_tree(tmp_path, {"spec.yaml": spec_text}) / "spec.yaml"
    return review(load_spec(path), load_library(library))


def with_sides(mini_library, *, fixed: str, higher: str):
    meetings = mini_library / "meetings.yaml"
    text = meetings.read_text()
    text = re.sub(
        r"( *)label: Management chairs\n", rf"\1label: Management chairs\n\1favours: {fixed}\n", text
    )
    text = text.replace(
        "guidance: {min: 6, recommended: 6}",
        f"guidance: {{min: 6, max: 10, recommended: 6, higher_favours: {higher}}}",
    )
    meetings.write_text(text)


CHAIR_FIXED = MINI_SPEC.replace(
    "clauses:\n",
    "clauses:\n  meetings.chair:\n    variant: fixed\n    reason: The board chairs its committees.\n",
    1,
)


def finding(result, category: str):
    (found,) = [f for f in result.findings if f.category == category]
    return found


def test_a_variant_that_favours_management_is_weaker_for_staff(mini_library, tmp_path):
    with_sides(mini_library, fixed="management", higher="staff")
    variant = finding(reviewed(tmp_path, mini_library, CHAIR_FIXED), "variant")
    assert variant.severity == "medium"
    assert variant.summary.endswith("weaker for the staff side than the model")
    assert variant.detail[0] == "Reason given: The board chairs its committees."


def test_a_variant_that_favours_staff_is_not_a_finding_against_them(mini_library, tmp_path):
    with_sides(mini_library, fixed="staff", higher="staff")
    variant = finding(reviewed(tmp_path, mini_library, CHAIR_FIXED), "variant")
    assert variant.severity == "info" and "stronger for the staff side" in variant.summary


def test_values_outside_guidance_say_which_side_they_favour(mini_library, tmp_path):
    with_sides(mini_library, fixed="neutral", higher="staff")
    low = finding(
        reviewed(tmp_path, mini_library, MINI_SPEC.replace("per_year: 8", "per_year: 4")), "parameter"
    )
    assert (
        low.severity == "medium"
        and "below the guidance minimum of 6, weaker for the staff side" in low.summary
    )
    high = finding(
        reviewed(tmp_path, mini_library, MINI_SPEC.replace("per_year: 8", "per_year: 12")), "parameter"
    )
    assert (
        high.severity == "low"
        and "above the guidance maximum of 10, stronger for the staff side" in high.summary
    )


RECOGNITION = """\
agreements: [recognition]
organisation:
  {name: Example NHS Trust, short_name: Example, type: acute_trust, nation: england, headcount: 900}
unions: [{name: UNISON, short_name: UNISON}]
dates: {effective: 2026-04-01}
"""


def amount_status(tmp_path, spec_text):
    result = reviewed(tmp_path, None, spec_text)
    (item,) = [r for r in result.checklists if r.checklist == "acas-code3-para57" and r.item == "amount"]
    return item, result


def test_amount_of_time_off_is_judged_on_what_the_clause_sets(tmp_path):
    pooled, _ = amount_status(tmp_path, RECOGNITION)
    assert pooled.status == "covered"
    named, result = amount_status(
        tmp_path, RECOGNITION + "clauses:\n  time_off.amount:\n    variant: named_posts\n"
    )
    assert named.status == "weakened"
    (checklist,) = [
        f for f in result.findings if f.category == "checklist" and "How much time off" in f.summary
    ]
    assert "every other representative's time is left to requests" in checklist.detail[0]
    planned, _ = amount_status(
        tmp_path,
        RECOGNITION
        + "clauses:\n  time_off.amount:\n    variant: named_posts\n    params: {planning_pool_hours: 75}\n",
    )
    assert planned.status == "covered"  # a planning figure for everyone else settles the amount


def test_every_bundled_variant_and_guidance_says_which_side_it_favours():
    library = load_library()
    missing = []
    for cid, located in library.clauses.items():
        clause = located.clause
        missing += [f"{cid} variant {n}" for n, v in clause.variants.items() if v.favours is None]
        for name, param in clause.params.items():
            guidance = getattr(param, "guidance", None)
            if guidance is not None and guidance.higher_favours is None:
                missing.append(f"{cid} param {name} guidance")
    assert missing == []
