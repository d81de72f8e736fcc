"""Facility time: costing from dated pay data, the agreement's schedule, the
facility-time command's report and the voluntary 2017-Regulations tables."""

from __future__ import annotations

import io
import json

import docx
import pytest
from conftest import REPO

from agreement_kit import load_spec
from agreement_kit.assembly.facility_cost import cost_facility_time
from agreement_kit.facility_time.report import check_tables, share_band

TEACHING = REPO / "samples" / "teaching-trust.yaml"
GOOD_ROSTER = (
    "name,union,band,contracted_hours_per_week,facility_hours,paid_activity_hours\n"
    "A. Rep,UNISON,6,37.5,0,0\n"
    "B. Rep,RCN,5,37.5,975,97.5\n"
    "C. Rep,Unite,8a,30,1560,0\n"
    "D. Rep,GMB,4,37.5,975.5,100\n"
)
PERIOD = "2025-04-01:2026-03-30"  # 364 days: exactly 52 weeks


def test_teaching_trust_two_joint_leads_cost_one_band_6_post_in_england_2025_26():
    # Band 6 entry, England 2025/26: £38,682
    # employer NI 15% x (38,682 - 5,000) = 5,052.30
    # pension 14.38% + 0.08% administration levy = 14.46% x 38,682 = 5,593.4172
    # apprenticeship levy 0.5% x 38,682 = 193.41
    # one full-time post: 38,682 + 5,052.30 + 5,593.4172 + 193.41 = 49,521.1272
    # each lead 18.75 h = 0.5 WTE: 24,760.5636 (£24,761); both: 49,521.1272 (£49,521)
    # pool 75 h at Band 6 entry = 2 WTE: 99,042.2544; total 148,563.3816 for 112.5 hours a week
    costing = cost_facility_time(load_spec(TEACHING).spec)
    assert (costing.nation, costing.pay_year) == ("england", "2025/26")
    post = costing.rows[0].post
    assert post.pay == 38_682
    assert post.ni == pytest.approx(5_052.30)
    assert post.pension == pytest.approx(5_593.4172)
    assert post.levy == pytest.approx(193.41)
    assert post.total == pytest.approx(49_521.1272)
    assert [r.annual_cost for r in costing.rows] == pytest.approx([24_760.5636, 24_760.5636])
    assert sum(r.annual_cost for r in costing.rows) == pytest.approx(49_521.1272)
    assert costing.pool is not None and costing.pool.annual_cost == pytest.approx(99_042.2544)
    assert costing.total_hours == 112.5
    assert costing.total_cost == pytest.approx(148_563.3816)
    assert post.hourly_pay == pytest.approx(19.78, abs=0.005)  # 38,682 / 52.143 / 37.5


def test_the_recognition_agreement_carries_the_allocation_read_back_from_word(run_cli, tmp_path):
    code, _, _ = run_cli("build", TEACHING, "-o", tmp_path, "-f", "docx")
    assert code == 0
    document = docx.Document(str(tmp_path / "kingsmere-uh-recognition.docx"))
    headings = [p.text for p in document.paragraphs if p.text.startswith("Schedule")]
    assert "Schedule 2: Facility time allocation" in headings
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    (table,) = [t for t in tables if t[0] == ["Role", "Trade union", "Hours a week", "Annual cost"]]
    assert table[1:] == [
        ["Joint Staff Side Lead", "UNISON", "18.75", "£24,761"],
        ["Joint Staff Side Lead", "RCN", "18.75", "£24,761"],
        ["Other Representatives (pool)", "All", "75", "£99,042"],
        ["Total", "", "112.5", "£148,563"],
    ]
    intro = " ".join(p.text for p in document.paragraphs)
    assert "2025/26 rates for England" in intro and "The hours govern" in intro


def test_without_show_cost_the_schedule_has_no_cost_column(tmp_path):
    text = TEACHING.read_text().replace("show_cost: true", "show_cost: false")
    (tmp_path / "s.yaml").write_text(text)
    from agreement_kit import assemble, load_library

    built = assemble(load_spec(tmp_path / "s.yaml"), load_library())
    recognition = next(a for a in built if a.kind == "recognition")
    (schedule,) = [s for s in recognition.schedules if s.id == "facility_time"]
    assert schedule.columns == ("Role", "Trade union", "Hours a week")
    assert schedule.rows[-1] == ("Total", "", "112.5")


def test_an_allocation_to_a_union_not_in_the_spec_names_its_line(run_cli, tmp_path):
    text = TEACHING.read_text().replace("union: RCN, band: 6", "union: RCM2, band: 6")
    (tmp_path / "s.yaml").write_text(text)
    code, _, err = run_cli("validate", tmp_path / "s.yaml")
    assert code == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "RCM2" in t)
    assert f"s.yaml:{line}: facility_time.allocations[1].union: 'RCM2' is not one of the spec's unions" in err


def test_an_unknown_band_and_a_missing_measure_are_errors(run_cli, tmp_path):
    text = TEACHING.read_text().replace("union: RCN, band: 6, hours_per_week: 18.75", "union: RCN, band: 8e")
    (tmp_path / "s.yaml").write_text(text)
    code, _, err = run_cli("validate", tmp_path / "s.yaml")
    assert code == 1
    assert "facility_time.allocations[1].band: '8e' is not an Agenda for Change band" in err
    (tmp_path / "s.yaml").write_text(text.replace("band: 8e", "band: 7"))
    code, _, err = run_cli("validate", tmp_path / "s.yaml")
    assert code == 1 and "give either hours_per_week or wte" in err


def roster_hourly(pay: float, hours: float = 37.5) -> float:
    """Hand method: (pay + NI + pension + levy) / (hours x 52.143), pay pro rata to hours."""
    pay = pay * hours / 37.5
    total = pay + 0.15 * (pay - 5_000) + 0.1446 * pay + 0.005 * pay
    return total / (hours * 52.143)


def test_a_small_roster_gives_the_four_tables_worked_by_hand(run_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD_ROSTER)
    code, out, err = run_cli(
        "facility-time",
        TEACHING,
        "--roster",
        roster,
        "--period",
        PERIOD,
        "--pay-bill",
        "600000000",
        "--json",
        "-o",
        tmp_path / "out",
    )
    assert code == 0, err
    data = json.loads(out)
    # Table 1: 4 officials; FTE (37.5 + 37.5 + 30 + 37.5) / 37.5 = 3.8
    assert data["table1"] == {"officials": 4, "fte": 3.8}
    # Table 2, working hours = contracted x 52 weeks: A 0/1950 = 0%; B 975/1950 = 50% (1-50);
    # C 1560/1560 = 100%; D 975.5/1950 = 50.03% (51-99)
    assert data["table2"] == {"0": 1, "1-50": 1, "51-99": 1, "100": 1}
    # Table 3: hours x hourly cost with on-costs
    # B Band 5 31,049: 31,049 + 3,907.35 + 4,489.6854 + 155.245 = 39,601.2804 / 1,955.3625 x 975
    # C Band 8a 55,690 at 30 h: pay 44,552 + 5,932.80 + 6,442.2192 + 222.76 = 57,149.7792 / 1,564.29 x 1,560
    # D Band 4 27,485: 27,485 + 3,372.75 + 3,974.331 + 137.425 = 34,969.506 / 1,955.3625 x 975.5
    expected = (
        39_601.2804 / 1_955.3625 * 975 + 57_149.7792 / 1_564.29 * 1_560 + 34_969.506 / 1_955.3625 * 975.5
    )
    assert expected == pytest.approx(
        roster_hourly(31_049) * 975 + roster_hourly(55_690, 30) * 1_560 + roster_hourly(27_485) * 975.5
    )
    assert data["table3"]["cost"] == pytest.approx(expected, abs=0.01)
    assert data["table3"]["pay_bill"] == 600_000_000
    assert data["table3"]["percentage"] == round(expected / 600_000_000 * 100, 2)
    # Table 4: (97.5 + 100) / 3,510.5 = 5.63%
    assert data["table4"]["paid_activities_percentage"] == 5.63
    for row in data["allocations"]:
        assert {"role", "hours_per_week", "annual_cost"} <= set(row)
    assert data["total_hours_per_week"] == 112.5
    assert data["total_annual_cost"] == pytest.approx(148_563.38)
    assert "repealed from 18 February 2026" in data["voluntary_report_note"]
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"kingsmere-uh-facility-time.{x}" for x in ("docx", "html", "md")]
    markdown = (tmp_path / "out" / "kingsmere-uh-facility-time.md").read_text()
    assert "never applied to devolved Welsh authorities" in markdown and "Data sources" in markdown
    word = docx.Document(io.BytesIO((tmp_path / "out" / "kingsmere-uh-facility-time.docx").read_bytes()))
    assert any(t.rows[0].cells[0].text == "Officials in the period" for t in word.tables)
    assert err.startswith("facility-time: 112.5 hours a week allocated")


HEAD = "name,union,band,facility_hours,paid_activity_hours"


@pytest.mark.parametrize(
    ("header", "row", "where", "message"),
    [
        ("name,union,band,facility_hours", "A,UNISON,6,10", ":1: paid_activity_hours:", "missing column"),
        (HEAD, "A,UNISON,6,-3,0", ":2: facility_hours:", "negative"),
        (HEAD, "A,UNISON,6z,3,0", ":2: band:", "is not in the"),
        (HEAD, "A,UNISON,6,2000,0", ":2: facility_hours:", "more than the working hours"),
        (HEAD, "A,NOPE,6,3,0", ":2: union:", "not one of"),
    ],
)
def test_a_bad_roster_names_row_and_column_and_writes_nothing(run_cli, tmp_path, header, row, where, message):
    roster = tmp_path / "bad.csv"
    roster.write_text(f"{header}\n{row}\n")
    out = tmp_path / "out"
    code, _, err = run_cli("facility-time", TEACHING, "--roster", roster, "--period", PERIOD, "-o", out)
    assert code == 1
    assert f"bad.csv{where}" in err and message in err
    assert not out.exists()


def test_table_2_bands_use_unrounded_shares():
    assert [share_band(s) for s in (0, 0.4, 50, 50.01, 99.99, 100, 101)] == [
        "0",
        "1-50",
        "1-50",
        "51-99",
        "51-99",
        "100",
        "100",
    ]


def test_checks_catch_errors_seen_in_published_returns():
    tables = {
        "table1": {"officials": 10, "fte": 12.5},
        "table2": {"0": 2, "1-50": 5, "51-99": 1, "100": 0},
        "table3": {"cost": 50_000.0, "pay_bill": 300_000.0, "percentage": 0.5},
        "table4": {"paid_activities_percentage": 20.0, "paid_activity_hours": 10, "facility_hours": 100},
    }
    found = check_tables(tables, headcount=6_000)
    assert any(f.startswith("table 1: FTE 12.5 is more than the 10 officials") for f in found)
    assert any(f.startswith("table 2: the bands sum to 8, not the 10") for f in found)
    assert any("given in thousands" in f for f in found)
    assert any(f.startswith("table 3: the percentage 0.5 does not recompute") for f in found)
    assert any(f.startswith("table 4: paid activities 20.0% does not recompute") for f in found)


def test_a_pay_bill_in_thousands_stops_the_report(run_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD_ROSTER)
    code, _, err = run_cli(
        "facility-time",
        TEACHING,
        "--roster",
        roster,
        "--period",
        PERIOD,
        "--pay-bill",
        "600000",
        "-o",
        tmp_path / "out",
    )
    assert code == 1 and "was it given in thousands?" in err
    assert not (tmp_path / "out").exists()


def test_the_named_posts_note_prints_no_england_pay_figure_for_scotland_or_wales():
    from agreement_kit import assemble, load_library

    for sample in ("scottish-health-board.yaml", "welsh-health-board.yaml"):
        text = (REPO / "samples" / sample).read_text()
        for agreement in assemble(load_spec(REPO / "samples" / sample), load_library()):
            for clause in agreement.clauses():
                assert "38,682" not in str(clause.note), (sample, clause.id)
        assert "nation:" in text
