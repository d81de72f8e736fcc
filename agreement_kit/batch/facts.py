"""What the batch's index and portfolio report say about one employer,
worked out from its assembled agreements when they are built, and kept in
its record so that an employer left unchanged by a re-run is still reported.

The findings counted here are a short form of ``agreement-kit review``,
from the same provenance the review reads, one finding each for:

- wording the parties wrote in place of the model's (medium), or a clause of
  their own (low);
- a variant other than the recommended one: medium when it favours the
  management side, low when the library does not say whom it favours, and
  for information when it favours the staff side or neither;
- a value set by the spec outside the clause's guidance: a number below its
  minimum or above its maximum (low when that favours the staff side or
  neither, else medium), a choice other than the recommended one (as a
  variant), a yes/no other than the recommended one (low);
- a recommended clause left out (high; medium when the parties gave a reason);
- law cited, by override, that is not in force for the agreement (medium).

The review's Acas and TULRCA checklists are not run; for them, review the
employer's ``spec.yaml`` with ``agreement-kit review``.
"""

from __future__ import annotations

from typing import Any

from ..assembly import model as m
from ..assembly.facility_cost import CostingError, cost_facility_time
from ..assembly.integrity import clause_values
from ..assembly.ratings import clause_severities, omitted_severity
from ..load.library import Library
from ..load.pay import MissingRates
from ..load.spec_models import Spec
from ..utils.severity import SEVERITIES

WORST_FIRST = tuple(reversed(SEVERITIES))  # as a reader deals with them

# The values whose spread across employers the portfolio report shows:
# (key, label, clause id, parameter).
KEY_VALUES = (
    ("meetings_per_year", "Ordinary meetings a year", "meetings.frequency", "meetings_per_year"),
    ("cooling_off_days", "Cooling-off period (Working Days)", "disputes.cooling_off", "cooling_off_days"),
)


def employer_facts(spec: Spec, agreements: list[m.Agreement], library: Library) -> dict[str, Any]:
    """The figures the index and portfolio need, as plain JSON-ready data."""
    values = clause_values(agreements)
    return {
        "name": spec.organisation.name,
        "nation": spec.organisation.nation,
        "headcount": spec.organisation.headcount,
        "review_date": spec.dates.review.isoformat() if spec.dates.review else None,
        "findings": findings_by_severity(agreements, library),
        "not_in_force": [
            {
                "agreement": a.short_title,
                "clause": f"{c.number} {c.title}",
                "citation": citation.short,
                "reason": citation.override,
            }
            for a in agreements
            for c in a.clauses()
            for citation in c.citations
            if not citation.in_force
        ],
        "values": {
            key: values[clause_id].get(param)
            for key, _label, clause_id, param in KEY_VALUES
            if clause_id in values and values[clause_id].get(param) is not None
        },
        "facility_time": _facility_time(spec),
    }


def findings_by_severity(agreements: list[m.Agreement], library: Library) -> dict[str, int]:
    counts = dict.fromkeys(WORST_FIRST, 0)
    for agreement in agreements:
        for clause in agreement.clauses():
            for severity in clause_severities(clause, library):
                counts[severity] += 1
        for omitted in agreement.omitted:
            counts[omitted_severity(omitted)] += 1
    return counts


def _facility_time(spec: Spec) -> dict[str, float] | None:
    """Facility time per 100 staff, where the spec states it."""
    if spec.facility_time is None:
        return None
    try:
        costing = cost_facility_time(spec)
    except (CostingError, MissingRates):  # the build's own checks report these
        return None
    return {
        "hours_per_week": round(costing.total_hours, 2),
        "hours_per_100_staff": round(costing.hours_per_100_staff, 2),
        "cost_per_100_staff": round(costing.cost_per_100_staff, 2),
    }


def total_findings(facts: dict[str, Any] | None) -> int | None:
    if not facts or not isinstance(facts.get("findings"), dict):
        return None
    return sum(int(n) for n in facts["findings"].values())
