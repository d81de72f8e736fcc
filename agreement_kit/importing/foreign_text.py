"""The guessed spec as YAML, and the report of what was guessed, as Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..utils.errors import display_path
from .foreign import ForeignSpec

ACTIONS = {
    "model": "kept as the model",
    "variant": "kept as the model, variant chosen",
    "text": "the draft's own wording (`text:`)",
    "own": "the parties' own clause (`add:`)",
}


class _Dumper(yaml.SafeDumper):
    pass


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def spec_yaml(data: dict[str, Any], source: Path) -> str:
    header = (
        f"# Guessed by `agreement-kit import` from {source.name}, a draft agreement-kit did not write.\n"
        "# Check the organisation, headcount, unions and dates; the report beside this file says\n"
        "# what was guessed, how sure each guess is, and which recommended clauses were left out.\n"
    )
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body.replace("  headcount: 1000\n", "  headcount: 1000  # not in the draft: set it\n", 1)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(guessed: ForeignSpec, source: Path, spec: Path) -> str:
    parts = [
        f"# Import of {_cell(source.name)}",
        f"The draft carries no agreement-kit spec, so `{_cell(display_path(spec))}` was guessed"
        " from its words:"
        " the draft's clauses mapped onto the library's as `review` maps them. Nothing here is certain;"
        " check each guess below before building from the spec.",
        "## What was guessed",
        "| | Guess | Confidence | Why |\n| --- | --- | ---: | --- |",
    ]
    parts[-1] += "".join(
        f"\n| {g.what} | {_cell(g.value)} | {g.confidence:.2f} | {_cell(g.why)} |" for g in guessed.guesses
    )
    parts.append("The headcount is not in a draft: the spec says 1000 until you set it.")
    parts.append("## The draft's clauses")
    rows = ["| # | Heading | Clause | Written as | Match confidence | Model's words |"]
    rows.append("| ---: | --- | --- | --- | ---: | ---: |")
    for i, o in enumerate(guessed.outcomes, 1):
        same = f"{round(o.same * 100)}%" if o.same is not None else ""
        rows.append(
            f"| {i} | {_cell(o.heading)} | {o.clause} | {ACTIONS[o.action]} | {o.confidence:.2f} | {same} |"
        )
    parts.append("\n".join(rows))
    if guessed.unsure:
        parts.append(
            "Mapped with low confidence, please check: "
            + "; ".join(f"\u201c{_cell(h)}\u201d" for h in guessed.unsure)
            + "."
        )
    if guessed.removed:
        parts.append("## Recommended clauses the draft lacks (left out with `remove:`)")
        parts.append("\n".join(f"- {cid}: {_cell(title)}" for cid, title in guessed.removed))
        parts.append("Delete an entry from `remove:` to take the model's wording for it.")
    if guessed.kept:
        parts.append("## Recommended clauses kept although the draft lacks them")
        parts.append(
            "\n".join(
                f"- {cid}: the spec would not build without it ({_cell(why)})" for cid, why in guessed.kept
            )
        )
    return "\n\n".join(parts) + "\n"
