"""The bundled clause library: complete, consistent, and honest about the law."""

from __future__ import annotations

import json
from functools import lru_cache

import pytest
from conftest import REPO, SAMPLES

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.assembly.model import block_text
from agreement_kit.catalogue.schemas import SCHEMAS, schema_text
from agreement_kit.load.checklists import load_checklists
from agreement_kit.validate.library_checks import check_library, checklist_problems


@lru_cache(maxsize=1)
def library():
    return load_library()


def test_every_clause_variant_and_nation_renders_without_error():
    errors = [p for p in check_library(library()) if p.severity == "error"]
    assert errors == []


def test_every_clause_has_commentary_and_no_placeholder_text():
    for cid, located in library().clauses.items():
        clause = located.clause
        assert len(clause.note.split()) >= 40, f"{cid}: commentary is too thin to help anyone"
        texts = [clause.text or ""] + [v.text for v in clause.variants.values()] + [clause.note]
        for text in texts:
            lowered = text.lower()
            for bad in ("lorem", "ipsum", "todo", "tbc", "xxx", "placeholder"):
                assert bad not in lowered.split(), f"{cid}: contains {bad!r}"


def test_text_without_jinja_syntax_renders_as_jinja_would_render_it():
    # render() skips Jinja for text with no "{"; the result must not differ.
    from agreement_kit.assembly.templating import _compile, _literals, render

    texts = ["line\r\nnext\n", "ends in two\n\n", "", "\n", "carriage\rreturn"]
    for located in library().clauses.values():
        clause = located.clause
        texts += [clause.text, clause.note, *(v.text for v in clause.variants.values())]
    plain_texts = [t for t in texts if t is not None and "{" not in t]
    assert len(plain_texts) > 100  # most notes have no parameters
    for text in plain_texts:
        token = _literals.set([])
        try:
            expected = _compile(text).render({})
        finally:
            _literals.reset(token)
        assert render(text, {}) == (expected, [])


def test_both_agreement_kinds_exist():
    assert {"partnership", "recognition"} <= set(library().kinds)


ACAS_57 = {
    "amount",
    "occasions",
    "paid",
    "short_notice",
    "pay_calculation",
    "who_is_paid",
    "facilities",
    "confidentiality",
}
S178 = {"a", "b", "c", "d", "e", "f", "g"}


def checklist(id_):
    (found,) = [c for c in load_checklists(library()) if c.checklist.id == id_]
    return found.checklist


def test_acas_code_3_para_57_items_are_all_listed_and_covered():
    items = checklist("acas-code3-para57").items
    assert {i.id for i in items} >= ACAS_57
    assert checklist_problems(library(), load_checklists(library())) == []


def test_tulrca_s178_topics_are_all_listed():
    items = checklist("tulrca-s178").items
    assert {i.id for i in items} == S178


def test_a_checklist_item_that_loses_its_clause_fails(tmp_path):
    import shutil

    copy = tmp_path / "clauses"
    shutil.copytree(REPO / "clauses", copy)
    path = copy / "checklists" / "tulrca-s178.yaml"
    text = path.read_text()
    first_item = checklist("tulrca-s178").items[0]
    # point the first item at a clause that does not cite s.178
    text = text.replace(f"[{', '.join(first_item.clauses)}]", "[general.status]", 1)
    path.write_text(text)
    problems = checklist_problems(load_library(copy), load_checklists(load_library(copy)))
    assert problems and "does not cite" in problems[0].message


def test_repealed_law_is_recorded_and_flagged():
    lib = library()
    statuses = {key: i.status for key, i in lib.instruments.items()}
    assert "repealed" in statuses.values(), "the 2017 facility time publication duty is repealed"
    for key, inst in lib.instruments.items():
        assert inst.source.strip(), key


@pytest.mark.parametrize(
    "nation, forum",
    [
        ("england", "Partnership Forum"),
        ("scotland", "Area Partnership Forum"),
        ("wales", "Local Partnership Forum"),
    ],
)
def test_nation_selects_its_own_bodies(nation, forum):
    samples = [s for s in SAMPLES if load_spec(s).spec.organisation.nation == nation]
    assert samples, f"no {nation} sample"
    for agreement in assemble(load_spec(samples[0]), library()):
        text = " ".join(block_text(b) for c in agreement.clauses() for b in c.blocks)
        if agreement.kind == "partnership":
            assert forum in text
        if nation != "scotland":
            assert "Area Partnership Forum" not in text
        if nation != "wales":
            assert "Local Partnership Forum" not in text


def test_samples_cover_the_nations_and_kinds_of_employer():
    specs = [load_spec(s).spec for s in SAMPLES]
    assert {s.organisation.nation for s in specs} == {"england", "scotland", "wales"}
    assert len([s for s in specs if set(s.agreements) == {"partnership", "recognition"}]) >= 5
    types = {s.organisation.type for s in specs}
    assert {"ambulance_trust", "mental_health_trust", "health_board"} <= types


def test_clauses_list_json_describes_the_whole_library(run_cli):
    code, stdout, _ = run_cli("clauses", "list", "--json")
    assert code == 0
    entries = json.loads(stdout)
    assert {e["id"] for e in entries} == set(library().clauses)
    for entry in entries:
        assert {
            "id",
            "title",
            "section",
            "kinds",
            "parameters",
            "references",
            "has_commentary",
        } <= entry.keys()
        assert entry["has_commentary"] is True


def test_committed_json_schemas_are_current():
    library = load_library()
    for name, model in SCHEMAS.items():
        assert (REPO / "clauses" / "schema" / name).read_text() == schema_text(model, library), (
            f"clauses/schema/{name} is stale: run `agreement-kit schema -o clauses/schema`"
        )


def test_the_spec_schema_spells_out_clauses_variants_and_parameters():
    import json

    schema = json.loads(schema_text(SCHEMAS["spec.schema.json"], load_library()))
    chair = schema["properties"]["clauses"]["properties"]["meetings.chair"]
    assert chair["description"] == "Chairing the Forum"
    assert "co_chairs" in chair["properties"]["variant"]["enum"]
    frequency = schema["properties"]["clauses"]["properties"]["meetings.frequency"]["properties"]["params"]
    assert frequency["properties"]["meetings_per_year"]["minimum"] == 4


def test_schema_writes_to_the_current_folder_not_the_package(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = run_cli("schema")
    assert code == 0 and (tmp_path / "schema" / "spec.schema.json").is_file()
    assert all(line.startswith("schema") for line in stdout.splitlines())


def test_every_sample_validates_without_warnings(run_cli):
    code, _, stderr = run_cli("validate", "--strict", *SAMPLES)
    assert code == 0, stderr
