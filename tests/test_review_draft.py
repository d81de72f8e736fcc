"""`review DRAFT.docx`: a Word draft read, mapped onto the library and annotated in place."""

from __future__ import annotations

import copy
import io
import json
import shutil
import zipfile
from pathlib import Path

import docx
import numpy as np
import pytest
from conftest import REPO
from docx.oxml.ns import qn
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import TfidfVectorizer

from agreement_kit.assembly import model_cache, tfidf
from agreement_kit.assembly.assembler import assemble
from agreement_kit.assembly.assign import assign
from agreement_kit.assembly.clause_match import scores
from agreement_kit.assembly.model_cache import prepared
from agreement_kit.assembly.tfidf import Space
from agreement_kit.building.build import build
from agreement_kit.drafts.report import review_draft
from agreement_kit.load import draft_read
from agreement_kit.load.draft_read import open_draft, paragraph_text
from agreement_kit.load.library import load_library
from agreement_kit.load.spec import load_spec

SAMPLE = REPO / "samples" / "teaching-trust.yaml"
ANCHORS = {qn("w:commentRangeStart"), qn("w:commentRangeEnd")}


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    """The model wording's disk cache in a folder of this module's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AGREEMENT_KIT_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def built(tmp_path_factory, library) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("built")
    paths = build([SAMPLE], out, formats=["docx"], library=library)
    return {p.stem.rsplit("-", 1)[-1]: p for p in paths if p.suffix == ".docx"}


def truth(library, kind: str) -> dict[str, str]:
    """Clause heading ("4.3 Quorum") -> clause id, from the sample's own assembly."""
    agreement = next(a for a in assemble(load_spec(SAMPLE), library) if a.kind == kind)
    return {f"{c.number} {c.title}": c.id for c in agreement.clauses()}


@pytest.mark.parametrize("kind", ["partnership", "recognition"])
def test_a_generated_draft_maps_onto_the_right_clauses(built, library, kind):
    review = review_draft(built[kind], library=library)
    labels = truth(library, kind)
    got = {
        f"{s.number} {s.heading}": m.clause
        for s, m in zip(review.draft.segments, review.matches, strict=True)
    }
    right = sum(got.get(heading) == cid for heading, cid in labels.items())
    assert right / len(labels) >= 0.95
    assert review.kind == kind and review.nation == "england"


def _reword(source: Path, target: Path, heading: str, words: str) -> int:
    """Replace the first body paragraph of the clause titled ``heading``; its paragraph index."""
    document = docx.Document(str(source))
    paras = list(document.element.body.iter(qn("w:p")))
    start = next(
        i for i, p in enumerate(paras) if paragraph_text(p).endswith(heading) and "Heading" in (p.style or "")
    )
    body = paras[start + 1]
    runs = list(body.iter(qn("w:r")))
    texts = [t for r in runs for t in r.iter(qn("w:t"))]
    texts[0].text = texts[0].text.split("\t")[0] + words if "\t" in (texts[0].text or "") else words
    for t in texts[1:]:
        t.text = ""
    document.save(str(target))
    return start + 1


def test_a_reworded_clause_gets_a_wording_finding_on_its_paragraph(built, library, tmp_path, run_cli):
    draft = tmp_path / "draft.docx"
    index = _reword(
        built["partnership"],
        draft,
        "Quorum",
        "The Forum is quorate when two members of each side are present, whoever they are.",
    )
    review = review_draft(draft, library=library)
    wording = [f for f in review.findings if f.category == "wording" and f.clause_id == "meetings.quorum"]
    assert wording and wording[0].para == index
    assert wording[0].redline is not None and wording[0].redline.changed
    code, _, _ = run_cli("review", draft, "-o", tmp_path / "out")
    assert code == 0
    annotated = docx.Document(str(tmp_path / "out" / "draft-review.docx"))
    para = list(annotated.element.body.iter(qn("w:p")))[index]
    assert para.find(qn("w:commentRangeStart")) is not None
    comments = annotated.part._comments_part.element.xml
    assert "wording departs from the model" in comments


def _stripped(p):
    """A paragraph without the comment anchors a review adds."""
    p = copy.deepcopy(p)
    for el in list(p.iter(*ANCHORS)):
        el.getparent().remove(el)
    for ref in list(p.iter(qn("w:commentReference"))):
        run = ref.getparent()
        run.getparent().remove(run)
    return p


def _shape(p) -> list:
    return [(el.tag, sorted(el.attrib.items()), el.text, el.tail) for el in p.iter()]


def test_their_paragraphs_are_unchanged_apart_from_comment_anchors(built, tmp_path, run_cli):
    source = built["recognition"]
    code, _, _ = run_cli("review", source, "-o", tmp_path)
    assert code == 0
    before = docx.Document(str(source)).element.body
    after = docx.Document(str(tmp_path / f"{source.stem}-review.docx")).element.body
    old, new = list(before.iter(qn("w:p"))), list(after.iter(qn("w:p")))
    assert len(old) == len(new)
    added = 0
    for a, b in zip(old, new, strict=True):
        assert _shape(_stripped(b)) == _shape(_stripped(a))  # text, runs, style, numbering: identical
        added += len(b.findall(qn("w:commentRangeStart"))) > len(a.findall(qn("w:commentRangeStart")))
    assert added > 0
    assert [_shape(s) for s in before.iter(qn("w:sectPr"))] == [_shape(s) for s in after.iter(qn("w:sectPr"))]


def test_json_has_every_key(built, tmp_path, run_cli):
    code, out, err = run_cli("review", built["partnership"], "--json", "-o", tmp_path, "-f", "md")
    assert code == 0, err
    data = json.loads(out)
    assert {"kind", "nation", "segments", "missing", "checklists", "findings"} <= set(data)
    segment = data["segments"][0]
    assert {"index", "heading", "text", "clause", "confidence", "candidates"} <= set(segment)
    assert len(segment["candidates"]) == 3
    assert data["checklists"]
    for items in data["checklists"].values():
        assert set(items.values()) <= {"covered", "weak", "missing"}


def test_a_mapping_file_confirms_or_corrects(built, library, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Quorum: null\n0: parties.parties\n", encoding="utf-8")
    review = review_draft(built["partnership"], library=library, mapping=mapping)
    quorum = next(
        m for s, m in zip(review.draft.segments, review.matches, strict=True) if s.heading == "Quorum"
    )
    assert quorum.clause is None and quorum.confirmed
    assert review.matches[0].confirmed and review.matches[0].clause == "parties.parties"
    mapping.write_text("No such heading: parties.parties\n", encoding="utf-8")
    with pytest.raises(Exception, match="map.yaml:1"):
        review_draft(built["partnership"], library=library, mapping=mapping)


# -- kind and nation ------------------------------------------------------------


def _doc(paragraphs: list[tuple[str, str | None]]) -> bytes:
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("words", "kind", "nation"),
    [
        ("the Area Partnership Forum, with the Employee Director", "partnership", "scotland"),
        ("the Local Partnership Forum and Welsh Government", "partnership", "wales"),
        ("the NHS Foundation Trust", "partnership", "england"),
    ],
)
def test_kind_and_nation_are_guessed(tmp_path, library, words, kind, nation):
    path = tmp_path / "d.docx"
    path.write_bytes(
        _doc(
            [
                (f"{kind.title()} Agreement", "Title"),
                ("Meetings", "Heading 1"),
                (f"Meetings of {words} take place every two months.", None),
            ]
        )
    )
    review = review_draft(path, library=library)
    assert (review.kind, review.nation) == (kind, nation)
    assert {"kind", "nation"} <= set(review.guessed)


def test_a_recognition_draft_is_guessed_from_its_title(built, library):
    review = review_draft(built["recognition"], library=library)
    assert review.kind == "recognition" and "title" in review.guessed["kind"]


# -- reading --------------------------------------------------------------------


def test_tracked_changes_are_read_as_accepted_and_reported(tmp_path, library):
    document = docx.Document()
    document.add_paragraph("Quorum", style="Heading 1")
    p = document.add_paragraph("The Forum is quorate with ")._p
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    extra = (
        f'<w:root xmlns:w="{w}"><w:del w:id="1" w:author="a"><w:r><w:delText>two</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a"><w:r><w:t>four members</w:t></w:r></w:ins></w:root>'
    )
    from lxml import etree

    for el in etree.fromstring(extra):
        p.append(el)
    path = tmp_path / "t.docx"
    document.save(str(path))
    review = review_draft(path, library=library, kind="partnership", nation="england")
    assert review.draft.segments[0].body == "The Forum is quorate with four members"
    assert any(f.category == "changes" for f in review.findings)


def test_bold_numbered_paragraphs_are_headings(tmp_path, library):
    document = docx.Document()
    for heading, body in [
        ("1. Quorum", "The Forum is quorate when three members of each side attend."),
        ("2. Minutes", "The Joint Secretaries keep minutes of every meeting."),
    ]:
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(body)
    path = tmp_path / "b.docx"
    document.save(str(path))
    segments = review_draft(path, library=library, kind="partnership", nation="england").draft.segments
    assert [(s.number, s.heading) for s in segments] == [(None, "Quorum"), (None, "Minutes")] or [
        s.heading for s in segments
    ] == ["Quorum", "Minutes"]


# -- hostile input ----------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _with_document(xml: bytes) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(_doc([("x", None)])))
    parts = {n: base.read(n) for n in base.namelist()}
    parts["word/document.xml"] = xml
    return _zip(parts)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("text", b"not a zip at all", "not a Word document"),
        (
            "bomb",
            _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (4 * 1024 * 1024)}),
            "zip bomb",
        ),
        ("laughs", _with_document(BILLION_LAUGHS), "DOCTYPE"),
        ("external", _with_document(EXTERNAL), "DOCTYPE"),
        ("missing", _zip({"[Content_Types].xml": b"<x/>"}), "no word/document.xml"),
        ("many", _zip({f"p{i}.bin": b"" for i in range(2001)}), "parts"),
    ],
)
def test_hostile_drafts_are_clear_errors_and_write_nothing(tmp_path, run_cli, name, data, message):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(data)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("review", path, "-o", out, "--json")
    assert code == 1
    assert f"{name}.docx" in stderr and message in stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists()


def test_a_huge_draft_is_refused(tmp_path, run_cli, monkeypatch):
    monkeypatch.setattr(draft_read, "MAX_PARAGRAPHS", 50)
    path = tmp_path / "huge.docx"
    path.write_bytes(_doc([(f"paragraph {i}", None) for i in range(60)]))
    code, _, stderr = run_cli("review", path, "-o", tmp_path / "out")
    assert code == 1 and "huge.docx" in stderr and "too large" in stderr
    assert not (tmp_path / "out").exists()


def test_spec_review_is_unchanged_and_refuses_draft_options(tmp_path, run_cli):
    code, out, _ = run_cli("review", REPO / "samples" / "test-mini.yaml", "-o", tmp_path)
    assert code == 0 and "s-j-review.md" in out
    code, _, stderr = run_cli("review", REPO / "samples" / "test-mini.yaml", "--json", "-o", tmp_path)
    assert code == 2 and ".docx" in stderr


def test_the_assignment_is_one_to_one_and_as_good_as_scipys():
    rng = np.random.default_rng(7)
    for n, m in [(1, 1), (3, 7), (7, 3), (40, 56), (56, 40), (30, 30)]:
        score = rng.random((n, m))
        score[:, : m // 3] = np.round(score[:, : m // 3], 1)  # ties
        pairs = assign(score)
        rows, cols = linear_sum_assignment(-score)
        assert len(pairs) == min(n, m)
        assert len({r for r, _ in pairs}) == len({c for _, c in pairs}) == len(pairs)
        assert sum(score[r, c] for r, c in pairs) == pytest.approx(score[rows, cols].sum())


def test_tfidf_weights_are_scikit_learns(library):
    models, _ = prepared(library, "partnership", "england")
    texts = [t for m in models.values() for t in m.texts][:40]
    for name in ("words", "chars"):
        ours = Space.fit(name, texts, texts).cosine(texts)
        theirs = TfidfVectorizer(analyzer=tfidf.ANALYSERS[name], sublinear_tf=True).fit_transform(texts)
        assert np.allclose(ours, (theirs @ theirs.T).toarray())


def test_model_wording_is_kept_on_disk_per_library(tmp_path, monkeypatch):
    root = tmp_path / "clauses"
    shutil.copytree(REPO / "clauses", root)
    cache = tmp_path / "cache"
    monkeypatch.setenv("AGREEMENT_KIT_CACHE", str(cache))
    first = load_library(root)
    models, matcher = prepared(first, "recognition", "wales")
    assert len(list(cache.glob("*.npz"))) == len(list(cache.glob("*.json"))) == 1

    def no_build(*args):
        raise AssertionError("built again despite the cache")

    monkeypatch.setattr(model_cache, "model_clauses", no_build)
    again = prepared(load_library(root), "recognition", "wales")  # a new process, as it were
    assert again[0] == models and again[1].ids == matcher.ids
    segments = open_draft(Path("x.docx"), _draft_bytes()).segments
    assert np.allclose(scores(segments, again[1]), scores(segments, matcher))
    monkeypatch.undo()
    monkeypatch.setenv("AGREEMENT_KIT_CACHE", str(cache))
    edited = root / "subscriptions.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("each month", "every month"), "utf-8")
    changed = prepared(load_library(root), "recognition", "wales")[0]
    assert len(list(cache.glob("*.npz"))) == 2  # a changed library is a new entry
    assert "every month" in changed["subscriptions.check_off"].texts[0]
    for path in cache.iterdir():
        path.write_bytes(b"not what was written")
    assert prepared(load_library(root), "recognition", "wales")[0] == changed  # unreadable: rebuilt


def _draft_bytes() -> bytes:
    document = docx.Document()
    for heading, text in [
        ("1. Union subscriptions", "Payroll deducts members' union dues from pay each month."),
        ("2. Car parking", "Permits are issued by the estates team."),
    ]:
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
