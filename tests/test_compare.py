"""Clause-by-clause comparison of two versions of an agreement."""

from __future__ import annotations

from conftest import MINI_SPEC, make_tree

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.comparison.compare import compare


def assembled(tmp_path, library, text, name):
    return assemble(load_spec(make_tree(tmp_path, {name: text}) / name), load_library(library))


def test_changes_additions_removals_and_moves(mini_library, tmp_path):
    old = assembled(tmp_path, mini_library, MINI_SPEC, "old.yaml")
    new_text = (
        MINI_SPEC.replace("per_year: 8", "per_year: 10") + "add: [meetings.extra]\nremove: [meetings.chair]\n"
    )
    # meetings.frequency refers to meetings.chair, so give it custom words that do not
    new_text = new_text.replace(
        "clauses:\n",
        "clauses:\n  meetings.frequency:\n    text: The [[Forum]] meets ten times a year.\n    reason: x\n",
        1,
    )
    new_text = new_text.replace("  meetings.frequency:\n    params: {per_year: 10}\n", "")
    new = assembled(tmp_path, mini_library, new_text, "new.yaml")
    (diff,) = compare(old, new)
    status = {c.clause_id: c.status for c in diff.clauses}
    assert status == {
        "parties.parties": "unchanged",
        "parties.definitions": "changed",
        "meetings.frequency": "changed",
        "meetings.chair": "removed",
        "meetings.extra": "added",
    }
    # the added clause uses [[Staff Side]], so the definitions gain an item
    definitions = next(c for c in diff.clauses if c.clause_id == "parties.definitions")
    (inserted,) = [u for u in definitions.units if u.op == "inserted"]
    assert inserted.new.text.startswith("“Staff Side” means") and inserted.new.item
    freq = next(c for c in diff.clauses if c.clause_id == "meetings.frequency")
    ops = [u.op for u in freq.units]
    assert ops == ["changed", "deleted"]  # first paragraph reworded, second gone
    runs = freq.units[0].redline.runs
    assert ("-", "eight ") in runs and ("+", "ten ") in runs
    extra = next(c for c in diff.clauses if c.clause_id == "meetings.extra")
    assert extra.new.number == "2.2" and not extra.moved
    # removed clause is placed after its old predecessor
    assert [c.clause_id for c in diff.clauses].index("meetings.chair") == 3
    assert diff.summary() == "Partnership Agreement: 2 changed, 1 added, 1 removed"


def test_renumbered_clause_is_moved_not_replaced(mini_library, tmp_path):
    old = assembled(tmp_path, mini_library, MINI_SPEC, "old.yaml")
    new = assembled(tmp_path, mini_library, MINI_SPEC + "remove: [parties.definitions]\n", "new.yaml")
    (diff,) = compare(old, new)
    freq = next(c for c in diff.clauses if c.clause_id == "meetings.frequency")
    assert freq.status == "unchanged" and not freq.moved  # section 2 stays section 2
    removed = next(c for c in diff.clauses if c.clause_id == "parties.definitions")
    assert removed.status == "removed"


def test_identical_versions_have_no_changes(mini_library, tmp_path):
    old = assembled(tmp_path, mini_library, MINI_SPEC, "old.yaml")
    new = assembled(tmp_path, mini_library, MINI_SPEC, "new.yaml")
    (diff,) = compare(old, new)
    assert diff.changed() == [] and diff.summary().endswith("no changes")
