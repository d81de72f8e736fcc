"""A clause's drafting note as every format prints it.

The commentary, then the parties' own part in it: that they wrote the
wording themselves, and their reasons for any choice. Then what the clause
cites. Whether the library recommends another variant is a question for
the review, not for the agreement, so it is not printed here.
"""

from __future__ import annotations

from ..assembly.model import Block, Clause, Paragraph, Text

_OWN_WORDING = {
    "custom": "the parties replaced the model wording of this clause with their own.",
    "added": "this clause is the parties' own; the model has no equivalent.",
}


def note_blocks(clause: Clause) -> tuple[Block, ...]:
    """Empty for a clause without a note (only a clause the parties added can lack one)."""
    if not clause.note:
        return ()
    prov = clause.provenance
    extra: list[Paragraph] = []
    own = _OWN_WORDING.get(prov.source)
    if own:
        extra.append(
            _labelled("Departs from the model:", own + ("" if prov.reason else " No reason was recorded."))
        )
    if prov.reason:
        extra.append(_labelled("The parties' reasons:", sentence(prov.reason)))
    if clause.citations:
        extra.append(_labelled("Cites:", "; ".join(c.short for c in clause.citations)))
    return (*clause.note, *extra)


def _labelled(label: str, text: str) -> Paragraph:
    return Paragraph((Text(label, bold=True), Text(" " + text)))


def sentence(text: str) -> str:
    """Text as a sentence: capital first letter, full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
