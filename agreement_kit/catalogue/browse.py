"""Browse the library: `clauses list` and `clauses show`."""

from __future__ import annotations

from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from ..utils.errors import UsageError


def _sections(library: Library, clause_id: str) -> list[dict[str, Any]]:
    """Where the clause sits in each agreement's outline, with its place ("6.4",
    counting every clause the outline holds, optional ones included)."""
    out = []
    for kind_name, kind in library.kinds.items():
        for s, section in enumerate(kind.sections, start=1):
            for c, entry in enumerate(section.entries(), start=1):
                if entry.clause == clause_id:
                    out.append(
                        {
                            "kind": kind_name,
                            "section": section.id,
                            "section_title": section.title,
                            "order": f"{s}.{c}",
                            "default": entry.default,
                        }
                    )
    return out


def _param(param: lm.Param) -> dict[str, Any]:
    return param.model_dump(exclude_none=True, mode="json")


def catalogue(library: Library, kind: str | None = None) -> list[dict[str, Any]]:
    if kind is not None and kind not in library.kinds:
        raise UsageError(f"unknown agreement kind {kind!r}; the library has: {', '.join(library.kinds)}")
    entries = []
    order = [e.clause for k in library.kinds.values() for s in k.sections for e in s.entries()]
    rank = {cid: i for i, cid in reversed(list(enumerate(order)))}  # first place in agreement order
    for clause_id, located in sorted(library.clauses.items(), key=lambda item: rank.get(item[0], len(order))):
        clause = located.clause
        if kind is not None and kind not in clause.kinds:
            continue
        sections = _sections(library, clause_id)
        entries.append(
            {
                "id": clause_id,
                "title": clause.title,
                "version": clause.version,
                "section": sections[0]["section"] if sections else None,
                "sections": sections,
                "kinds": list(clause.kinds),
                "nations": list(clause.nations),
                "parameters": {name: _param(p) for name, p in clause.params.items()},
                "variants": {name: v.label for name, v in clause.variants.items()},
                "default_variant": clause.default_variant,
                "references": list(clause.references),
                "has_commentary": bool(clause.note.strip()),
                "file": located.source.file,
                "line": located.line(),
            }
        )
    return entries


def describe(library: Library, clause_id: str) -> str:
    located = library.clauses.get(clause_id)
    if located is None:
        close = [c for c in library.clauses if c.split(".")[0] == clause_id.split(".")[0]]
        hint = f"; clauses on that topic: {', '.join(close)}" if close else ""
        raise UsageError(f"unknown clause id {clause_id!r}{hint}")
    clause = located.clause
    lines = [
        f"{clause.id}: {clause.title} (version {clause.version})",
        f"  kinds: {', '.join(clause.kinds)}; nations: {', '.join(clause.nations)}",
        f"  defined at {located.source.file}:{located.line()}",
    ]
    for s in _sections(library, clause_id):
        lines.append(
            f"  in {s['kind']} / {s['section_title']}{'' if s['default'] else ' (optional: add it)'}"
        )
    if clause.params:
        lines.append("\nParameters:")
        for name, p in clause.params.items():
            extra = []
            if p.default is not None:
                extra.append(f"default {p.default}")
            for bound in ("min", "max"):
                if getattr(p, bound, None) is not None:
                    extra.append(f"{bound} {getattr(p, bound)}")
            if isinstance(p, lm.ChoiceParam) and p.choices:
                extra.append("choices " + ", ".join(p.choices))
            guidance = getattr(p, "guidance", None)
            if guidance is not None:
                extra.append(
                    "guidance "
                    + ", ".join(
                        f"{k} {v}" for k, v in guidance.model_dump(exclude_none=True).items() if k != "why"
                    )
                )
            lines.append(f"  {name} ({p.type}): {p.label}" + (f" [{'; '.join(extra)}]" if extra else ""))
    if clause.variants:
        lines.append("\nVariants:")
        for name, v in clause.variants.items():
            marks = [
                m
                for m, on in (
                    ("default", name == clause.default_variant),
                    ("recommended", name == clause.recommended),
                )
                if on
            ]
            nations = [n for n, vn in clause.nation_variants.items() if vn == name]
            if nations:
                marks.append("for " + ", ".join(nations))
            lines.append(f"  {name}: {v.label}" + (f" ({', '.join(marks)})" if marks else ""))
            lines.append(_indent(v.text))
    else:
        lines += ["\nText:", _indent(clause.text or "")]
    lines += ["\nCommentary:", _indent(clause.note)]
    if clause.references:
        lines.append("\nCites:")
        for key in clause.references:
            inst = library.instruments[key]
            lines.append(f"  {inst.short} — {inst.status.replace('_', ' ')} as at {inst.as_at}")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.strip().splitlines())
