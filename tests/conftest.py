"""Shared test helpers: file trees from dicts, a tiny clause library, the CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement_kit.cli.app import cli

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (REPO / "samples").glob("*.yaml"))


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (after dedenting)."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def shown_text(document) -> list[str]:
    """The text Word shows for each paragraph of a python-docx document, list
    numbers included: "3.2 Title", "3.2.1\tText", "(a)\tItem" (the numbers of
    a generated agreement are Word's lists, not typed)."""
    from agreement_kit.load.draft_read import list_numbers

    numbers = list_numbers(document)
    out = []
    for paragraph in document.paragraphs:
        label = numbers.label(paragraph._p)
        out.append(f"{label.text}{label.suffix}{paragraph.text}" if label else paragraph.text)
    return out


def make_tree(root: Path, tree: dict) -> Path:
    """Write ``{"a.yaml": "...", "sub": {...}}`` under root; text is dedented."""
    for name, content in tree.items():
        path = root / name
        if isinstance(content, dict):
            path.mkdir(parents=True, exist_ok=True)
            make_tree(path, content)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


MINI_LIBRARY = {
    "agreements.yaml": """
        library_version: "test"
        kinds:
          partnership:
            title: Partnership Agreement
            short_title: Partnership Agreement
            sections:
              - id: parties
                title: Parties
                clauses: [parties.parties, parties.definitions]
              - id: meetings
                title: Meetings
                clauses: [meetings.frequency, meetings.chair, {clause: meetings.extra, default: false}]
        """,
    "terms.yaml": """
        terms:
          Forum:
            definition: the partnership forum of {{ org.name }}
            nations:
              scotland: the Area Partnership Forum of {{ org.name }}
          Staff Side:
            definition: the recognised trade unions acting together
        """,
    "references.yaml": """
        as_at: 2026-11-01
        instruments:
          tulrca-1992-s178:
            title: Trade Union and Labour Relations (Consolidation) Act 1992
            section: s.178(2)
            short: TULRCA 1992 s.178(2)
            status: in_force
            as_at: 2026-11-01
            source: legislation.gov.uk
          old-act:
            title: An Old Act
            short: Old Act s.1
            status: repealed
            ended: 2020-01-01
            changed_by: a New Act
            as_at: 2026-11-01
            source: legislation.gov.uk
        """,
    "parties.yaml": """
        topic: parties
        title: Parties
        clauses:
          - id: parties.parties
            title: Parties
            version: 1
            kinds: [partnership]
            text: |
              This agreement is between {{ org.name }} and the unions below.
            generated: unions
            note: Names who is bound.
            references: [tulrca-1992-s178]
          - id: parties.definitions
            title: Definitions
            version: 1
            kinds: [partnership]
            text: "In this agreement:"
            generated: definitions
            note: Keeps the terms consistent.
        """,
    "meetings.yaml": """
        topic: meetings
        title: Meetings
        clauses:
          - id: meetings.frequency
            title: Frequency
            version: 1
            kinds: [partnership]
            params:
              per_year:
                type: integer
                label: Meetings a year
                default: 6
                min: 4
                max: 12
                guidance: {min: 6, recommended: 6}
            text: |
              The [[Forum]] meets {{ per_year | words }} times a year.

              Papers go out as [[meetings.chair]] says.
            note: A forum that meets rarely is bypassed.
          - id: meetings.chair
            title: Chair
            version: 1
            kinds: [partnership]
            variants:
              alternating:
                label: Chair alternates
                text: The chair alternates between the sides each year.
              fixed:
                label: Management chairs
                text: The chief executive chairs the [[Forum]].
                note: Staff side often resists a fixed chair.
            default_variant: alternating
            nation_variants: {scotland: fixed}
            note: Who chairs shapes the agenda.
          - id: meetings.extra
            title: Extra meetings
            version: 1
            kinds: [partnership]
            text: The [[Staff Side]] may call an extra meeting.
            note: An optional clause.
            references: [old-act]
        """,
}

MINI_SPEC = textwrap.dedent("""
    agreements: [partnership]
    organisation:
      name: Example NHS Trust
      short_name: Example
      type: acute_trust
      nation: england
      headcount: 1200
    unions:
      - {name: UNISON, short_name: UNISON}
      - {name: Royal College of Nursing, short_name: RCN, represents: nursing staff}
    dates: {effective: 2026-04-01, review: 2028-04-01}
    clauses:
      meetings.frequency:
        params: {per_year: 8}
    signatories:
      - {name: A Person, role: Chief Executive, side: management}
      - {name: B Person, role: Staff Side Chair, side: staff, organisation: UNISON}
    law_overrides:
      - {reference: old-act, reason: Kept while the successor scheme beds in.}
    """).lstrip("\n")


def departures_spec(custom_text: str, *, add_extra: bool = True) -> str:
    """MINI_SPEC departing from the model the ways a review reports: custom
    wording on parties.parties (with a reason), too few meetings (4 a year),
    the chair variant the library does not recommend, the recommended
    definitions clause removed and, unless ``add_extra`` is false, the
    optional meetings.extra added, citing a repealed act by override."""
    chosen = (
        "clauses:\n"
        "  meetings.chair:\n"
        "    variant: fixed\n"
        "  parties.parties:\n"
        f"    text: {custom_text}\n"
        "    reason: Shorter wording preferred by the board.\n"
    )
    spec = MINI_SPEC.replace("per_year: 8", "per_year: 4").replace("clauses:\n", chosen, 1)
    return spec + ("add: [meetings.extra]\n" if add_extra else "") + "remove: [parties.definitions]\n"


def checklist_yaml(list_id: str, title: str, items: dict[str, tuple[str, str]]) -> str:
    """A TULRCA s.178 checklist for partnership agreements: item id -> (text, clause id)."""
    lines = [
        f"id: {list_id}",
        f"title: {title}",
        "reference: tulrca-1992-s178",
        "kinds: [partnership]",
        "items:",
    ]
    for item_id, (text, clause_id) in items.items():
        lines += [f"  - id: {item_id}", f"    text: {text}", f"    clauses: [{clause_id}]"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def mini_library(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "lib", MINI_LIBRARY)


@pytest.fixture
def run_cli():
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
