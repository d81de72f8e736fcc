"""Schedules worked out from the spec: read back from Word, Markdown and HTML."""

from __future__ import annotations

import datetime as dt
import io

import docx
import holidays
import pytest
from conftest import REPO, make_tree

from agreement_kit import InputError, assemble, load_library, load_spec
from agreement_kit.assembly.calendar import first_year
from agreement_kit.render import render


@pytest.fixture(scope="module")
def library():
    return load_library()


def agreements(library, sample: str):
    return {a.kind: a for a in assemble(load_spec(REPO / "samples" / sample), library)}


def word_tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def word_headings(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return [
        p.text for p in document.paragraphs if p.style.name == "Heading 1" and p.text.startswith("Schedule")
    ]


@pytest.mark.parametrize(
    "sample", ["teaching-trust.yaml", "scottish-health-board.yaml", "welsh-health-board.yaml"]
)
def test_every_schedule_is_a_word_table_matching_the_spec(library, sample):
    for agreement in agreements(library, sample).values():
        data = render(agreement, "docx")
        assert word_headings(data) == [s.heading for s in agreement.schedules]
        schedule_tables = word_tables(data)[-len(agreement.schedules) :]
        for table, schedule in zip(schedule_tables, agreement.schedules, strict=True):
            assert table[0] == list(schedule.columns)
            assert table[1:] == [list(row) for row in schedule.rows]


def test_the_union_schedule_and_terms_of_reference_follow_the_spec(library):
    partnership = agreements(library, "teaching-trust.yaml")["partnership"]
    unions = partnership.schedules[0]
    assert unions.heading == "Schedule 1: Recognised trade unions"
    assert [r[0] for r in unions.rows] == [u.name for u in partnership.unions]
    terms = next(s for s in partnership.schedules if s.id == "forum_terms")
    membership = partnership.clause("meetings.membership").provenance.params
    seats = {p.name: p.value for p in membership}
    row = next(r for r in terms.rows if r[0] == "Membership")
    assert f"Up to {seats['management_members']} members of the Management Side" in row[1]
    assert row[2] == f"clause {partnership.clause('meetings.membership').number}"


def test_the_escalation_route_uses_the_chosen_time_limits_and_the_nations_lead(library):
    for sample, lead in (
        ("teaching-trust.yaml", "Staff Side Chair"),
        ("scottish-health-board.yaml", "Employee Director"),
    ):
        partnership = agreements(library, sample)["partnership"]
        route = next(s for s in partnership.schedules if s.id == "escalation")
        days = {p.name: p.value for p in partnership.clause("disputes.stages").provenance.params}[
            "stage_working_days"
        ]
        stage_one = next(r for r in route.rows if r[0] == "Stage one")
        assert lead in stage_one[1] and f"Within {days} Working Days" in stage_one[2]


def test_calendar_avoids_each_nations_bank_holidays_and_christmas():
    for nation, subdivision in (("england", "ENG"), ("scotland", "SCT"), ("wales", "WLS")):
        closed = holidays.country_holidays("GB", subdiv=subdivision, years=(2026, 2027))
        meetings = first_year(dt.date(2026, 1, 1), 12, 10, nation)
        assert len(meetings) == 12
        for meeting in meetings:
            assert meeting.date not in closed and meeting.date.weekday() < 5
            assert not (meeting.date.month == 12 and meeting.date.day >= 24)
            assert meeting.papers_by < meeting.date and meeting.papers_by not in closed
    # Scotland keeps 2 January and St Andrew's Day; England does not
    assert dt.date(2026, 11, 30) in holidays.country_holidays("GB", subdiv="SCT", years=2026)
    assert dt.date(2026, 11, 30) not in holidays.country_holidays("GB", subdiv="ENG", years=2026)


def test_papers_are_counted_back_in_working_days_of_the_nation():
    # Six working days before Tuesday 12 May 2026 skip the weekend and, in
    # England and Scotland alike, the 4 May bank holiday.
    for nation in ("england", "scotland"):
        (may,) = first_year(dt.date(2026, 5, 1), 1, 6, nation)
        assert may.date == dt.date(2026, 5, 12) and may.papers_by == dt.date(2026, 5, 1)
    # Counting back over New Year and the Christmas closure (24 December to 1 January):
    # Scotland's 2 January holiday, observed on Monday 4 January 2027, costs it one more day.
    (january_eng,) = first_year(dt.date(2027, 1, 1), 1, 5, "england")
    (january_sct,) = first_year(dt.date(2027, 1, 1), 1, 5, "scotland")
    assert january_eng.date == january_sct.date == dt.date(2027, 1, 12)
    assert january_eng.papers_by == dt.date(2027, 1, 5)
    assert january_sct.papers_by == dt.date(2027, 1, 5)
    (early,) = first_year(dt.date(2026, 12, 1), 1, 8, "england")
    (early_sct,) = first_year(dt.date(2026, 12, 1), 1, 8, "scotland")
    assert early.date == early_sct.date == dt.date(2027, 1, 12)
    assert early.papers_by == dt.date(2026, 12, 22) and early_sct.papers_by == dt.date(2026, 12, 21)


def test_no_papers_are_due_before_the_agreement_begins():
    # January's meeting would need its papers out on 22 December, before a
    # 1 January start: the first meeting is February's
    (first, *_) = first_year(dt.date(2027, 1, 1), 6, 8, "england")
    assert first.date == dt.date(2027, 2, 9) and first.papers_by == dt.date(2027, 1, 28)
    for start in (dt.date(2026, 4, 1), dt.date(2027, 1, 1), dt.date(2027, 6, 10)):
        assert all(m.papers_by >= start for m in first_year(start, 12, 10, "wales"))


def test_departures_are_in_drafting_copies_and_not_in_signing_copies(library):
    recognition = agreements(library, "teaching-trust.yaml")["recognition"]
    departures = next(s for s in recognition.schedules if s.id == "departures")
    assert departures.drafting_only and departures.number == len(recognition.schedules)
    assert any("Named staff side lead posts" in r[1] for r in departures.rows)
    drafting, signing = render(recognition, "docx"), render(recognition, "docx", notes="none")
    assert departures.heading in word_headings(drafting)
    assert departures.heading not in word_headings(signing)
    for fmt in ("md", "html"):
        assert departures.title in render(recognition, fmt).decode()
        assert departures.title not in render(recognition, fmt, notes="none").decode()


def test_a_reason_given_for_leaving_a_clause_out_is_in_the_departures(library, tmp_path):
    spec = (REPO / "samples" / "teaching-trust.yaml").read_text() + (
        "\nremove:\n  - {id: values.conduct, reason: The trust's behaviours framework covers it.}\n"
    )
    if "\nremove:" in (REPO / "samples" / "teaching-trust.yaml").read_text():
        pytest.skip("the sample already removes clauses")
    path = make_tree(tmp_path, {"s.yaml": spec}) / "s.yaml"
    partnership = {a.kind: a for a in assemble(load_spec(path), library)}["partnership"]
    departures = next(s for s in partnership.schedules if s.id == "departures")
    row = next(r for r in departures.rows if r[1] == "A clause of the model, left out.")
    assert row[2] == "The trust's behaviours framework covers it."


def test_a_schedule_that_cannot_be_worked_out_names_its_line(tmp_path, mini_library):
    make_tree(
        mini_library,
        {
            "schedules.yaml": (
                "schedules:\n"
                "  - id: broken\n"
                "    title: Broken\n"
                "    kinds: [partnership]\n"
                "    columns: [A]\n"
                "    rows:\n"
                "      - [\"{{ clauses['no.such'].value }}\"]\n"
            )
        },
    )
    from conftest import MINI_SPEC

    spec = make_tree(tmp_path, {"s.yaml": MINI_SPEC}) / "s.yaml"
    with pytest.raises(InputError) as caught:
        assemble(load_spec(spec), load_library(mini_library))
    (problem,) = caught.value.problems
    assert problem.file.endswith("schedules.yaml") and problem.field == "schedules[0].rows.0"
    assert "cannot be worked out" in problem.message


def test_the_safety_committee_terms_follow_whether_there_is_a_committee(library, tmp_path):
    base = (REPO / "samples" / "teaching-trust.yaml").read_text()
    recognition = agreements(library, "teaching-trust.yaml")["recognition"]
    assert any(s.id == "safety_committee_terms" for s in recognition.schedules)
    marker = "\nclauses:\n"
    assert marker in base
    setting = "  time_off.safety_reps:\n    params: {committee_exists: false}\n"
    without = base.replace(marker, marker + setting, 1)
    path = make_tree(tmp_path, {"s.yaml": without}) / "s.yaml"
    recognition = {a.kind: a for a in assemble(load_spec(path), library)}["recognition"]
    assert not any(s.id == "safety_committee_terms" for s in recognition.schedules)


def test_only_the_recognition_agreement_says_it_recognises_the_unions(library):
    """Recognition is granted by the recognition agreement; the partnership
    agreement's first schedule names its parties, and does not grant it again."""
    by_kind = agreements(library, "teaching-trust.yaml")
    intro = {kind: next(s for s in a.schedules if s.id == "unions").intro for kind, a in by_kind.items()}
    assert "recognises the following trade unions under this agreement" in intro["recognition"]
    assert "recognis" not in intro["partnership"].split(",")[0]
    assert "party to this agreement" in intro["partnership"]
