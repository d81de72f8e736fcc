"""Review an organisation's agreement against the library's model.

A staff-side chair's questions, answered from the assembled model: where
does the wording depart from the model, which choices are weaker than the
guidance, what recommended clause is missing, which checklist items are
covered, and which citations are out of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import TemplateError

from ..assembly.assembler import assemble
from ..assembly.integrity import clause_values, holds
from ..assembly.model import Agreement, Block, Clause, block_text
from ..assembly.ratings import FOR_STAFF, omitted_severity, parameter_departure
from ..load.checklists import load_checklists
from ..load.library import Library
from ..load.spec import LoadedSpec
from ..utils.redline import Redline, words_redline
from ..utils.severity import SEVERITIES, severity_rank


@dataclass(frozen=True)
class Finding:
    severity: str
    category: str  # wording, variant, parameter, absent, checklist, citation
    agreement: str  # agreement kind
    clause_id: str | None
    clause_number: str | None
    clause_title: str
    summary: str
    detail: tuple[str, ...] = ()
    redline: Redline | None = None


@dataclass(frozen=True)
class ChecklistResult:
    checklist: str
    title: str
    item: str
    text: str
    status: str  # covered, weakened, missing
    clauses: tuple[str, ...]  # "4.3 Quorum" for each clause found


@dataclass
class Review:
    organisation: str
    agreements: list[Agreement]
    findings: list[Finding] = field(default_factory=list)
    checklists: list[ChecklistResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in reversed(SEVERITIES)}

    def worst(self) -> str | None:
        return max((f.severity for f in self.findings), key=severity_rank, default=None)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items() if n) or "no findings"
        cover: dict[str, tuple[int, int]] = {}
        for r in self.checklists:
            done, total = cover.get(r.title, (0, 0))
            cover[r.title] = (done + (r.status == "covered"), total + 1)
        lists = "; ".join(f"{t}: {d}/{n} covered" for t, (d, n) in cover.items())
        return f"{self.organisation}: {counts}" + (f"; {lists}" if lists else "")


def blocks_text(blocks: tuple[Block, ...]) -> str:
    return "\n".join(block_text(b) for b in blocks)


def note_text(clause: Clause) -> str:
    return " ".join(block_text(b) for b in clause.note)


def review(loaded: LoadedSpec, library: Library) -> Review:
    agreements = assemble(loaded, library)
    result = Review(loaded.spec.organisation.name, agreements)
    for agreement in agreements:
        for clause in agreement.clauses():
            result.findings.extend(_clause_findings(agreement, clause, library))
        result.findings.extend(_absent(agreement))
    results, findings = _checklists(agreements, library)
    result.checklists, result.findings = results, result.findings + findings
    result.findings.sort(
        key=lambda f: (-severity_rank(f.severity), f.agreement, _number_key(f.clause_number))
    )
    return result


def _number_key(number: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split(".")) if number else (0,)


def _finding(
    agreement: Agreement,
    clause: Clause,
    severity: str,
    category: str,
    summary: str,
    detail: tuple[str, ...] = (),
    redline: Redline | None = None,
) -> Finding:
    return Finding(
        severity, category, agreement.kind, clause.id, clause.number, clause.title, summary, detail, redline
    )


def _clause_findings(agreement: Agreement, clause: Clause, library: Library) -> list[Finding]:
    out = []
    prov = clause.provenance
    why = note_text(clause)
    if prov.source == "custom":
        redline = words_redline(blocks_text(prov.model_blocks), blocks_text(clause.blocks))
        reason = f"Reason given: {prov.reason}" if prov.reason else "No reason for the departure is recorded."
        out.append(
            _finding(
                agreement,
                clause,
                "medium",
                "wording",
                "wording departs from the model",
                (reason, why),
                redline,
            )
        )
    elif prov.source == "added":
        reason = f"Reason given: {prov.reason}" if prov.reason else "No reason is recorded."
        out.append(
            _finding(
                agreement,
                clause,
                "low",
                "wording",
                "clause written by the parties; not in the model",
                (reason,),
            )
        )
    if prov.variant and prov.recommended_variant and prov.variant != prov.recommended_variant:
        located = library.clauses.get(clause.id)
        side = located.clause.variants[prov.variant].favours if located else None
        severity, effect = FOR_STAFF[side]
        out.append(
            _finding(
                agreement,
                clause,
                severity,
                "variant",
                f"uses the variant “{prov.variant_label}” rather than the recommended"
                f" “{prov.recommended_variant_label}”" + (f": {effect}" if effect else ""),
                tuple(t for t in (_reason(prov.reason), why) if t),
            )
        )
    if clause.id in library.clauses:
        params = library.clauses[clause.id].clause.params
        for value in prov.params:
            finding = parameter_departure(params[value.name], value.value)
            if finding:
                severity, summary, guidance = finding
                out.append(
                    _finding(
                        agreement,
                        clause,
                        severity,
                        "parameter",
                        f"{value.label}: {summary}",
                        tuple(t for t in (guidance, why) if t),
                    )
                )
    for citation in clause.citations:
        if not citation.in_force:
            inst = library.instruments[citation.key]
            changed = f" by {inst.changed_by}" if inst.changed_by else ""
            out.append(
                _finding(
                    agreement,
                    clause,
                    "medium",
                    "citation",
                    f"cites {citation.short}, which is not in force for this agreement"
                    f" ({inst.force_text(agreement.nation)}{changed})",
                    tuple(
                        t
                        for t in (
                            f"Reason given: {citation.override}" if citation.override else None,
                            inst.note,
                        )
                        if t
                    ),
                )
            )
    return out


def _reason(reason: str | None) -> str | None:
    return f"Reason given: {reason}" if reason else None


def _absent(agreement: Agreement) -> list[Finding]:
    """A recommended clause left out: high with no reason given; medium with one,
    which the staff side can weigh (an all-Wales programme covering it, say)."""
    return [
        Finding(
            omitted_severity(o),
            "absent",
            agreement.kind,
            o.id,
            None,
            o.title,
            f"recommended clause “{o.title}” ({o.section}) is absent",
            tuple(t for t in (_reason(o.reason), blocks_text(o.note)) if t),
        )
        for o in agreement.omitted
    ]


def _checklists(agreements: list[Agreement], library: Library) -> tuple[list[ChecklistResult], list[Finding]]:
    kinds = {a.kind for a in agreements}
    clauses = {c.id: (a, c) for a in agreements for c in a.clauses()}
    values = {"clauses": clause_values(agreements)}
    results, findings = [], []
    for loaded in load_checklists(library):
        checklist = loaded.checklist
        if not kinds & set(checklist.kinds):
            continue
        for item in checklist.items:
            found = [clauses[cid] for cid in item.clauses if cid in clauses]
            strong = [c for _, c in found if not _weakened(c, library)]
            status = "covered" if strong else "weakened" if found else "missing"
            thin = status == "covered" and item.require is not None and not _holds(item.require, values)
            if thin:
                status = "weakened"
            results.append(
                ChecklistResult(
                    checklist.id,
                    checklist.title,
                    item.id,
                    item.text,
                    status,
                    tuple(f"{c.number} {c.title}" for _, c in found),
                )
            )
            if status != "covered":
                agreement, clause = found[0] if found else (agreements[0], None)
                severity = "high" if status == "missing" else "medium"
                summary = f"{checklist.title} ({agreement.short_title}): “{item.text}” is {status}"
                if thin:
                    detail: tuple[str, ...] = (
                        item.weak_because or "What the clauses say does not settle it.",
                    )
                elif status == "weakened":
                    detail = (
                        "Only covered by wording that departs from the model"
                        " or a choice outside the guidance.",
                    )
                else:
                    detail = ("No clause of this agreement covers it.",)
                findings.append(
                    Finding(
                        severity,
                        "checklist",
                        agreement.kind,
                        clause.id if clause else None,
                        clause.number if clause else None,
                        clause.title if clause else checklist.title,
                        summary,
                        detail,
                    )
                )
    return results, findings


def _holds(expression: str, values: dict) -> bool:
    try:
        return holds(expression, values)
    except (TemplateError, LookupError, TypeError, ValueError):
        return False  # a rule about a clause the agreement lacks: the item is not covered on content


def _weakened(clause: Clause, library: Library) -> bool:
    if clause.provenance.departs_from_model:
        return True
    located = library.clauses.get(clause.id)
    if located is None:
        return True
    params = located.clause.params
    return any(
        (f := parameter_departure(params[v.name], v.value)) is not None and f[0] != "low"
        for v in clause.provenance.params
    )
