"""The per-user cache only ever makes a run faster: a damaged, foreign or
linked entry is a miss, and a cached library is the library."""

from __future__ import annotations

import os
import shutil
import zipfile

import pytest

from agreement_kit import load_library
from agreement_kit.utils import cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("AGREEMENT_KIT_CACHE", str(where))
    return where


def test_an_entry_reads_back_and_a_damaged_one_is_a_miss(folder):
    cache.write("x-1", b"payload")
    assert cache.read("x-1") == b"payload"
    path = folder / "x-1"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert cache.read("x-1") is None
    path.write_bytes(b"short")
    assert cache.read("x-1") is None


def test_entries_others_could_write_or_links_are_not_read(folder):
    cache.write("x-1", b"payload")
    os.chmod(folder / "x-1", 0o666)
    assert cache.read("x-1") is None
    os.chmod(folder / "x-1", 0o600)
    os.symlink(folder / "x-1", folder / "x-2")
    assert cache.read("x-2") is None
    os.chmod(folder, 0o777)
    assert cache.folder() is None and cache.read("x-1") is None


def test_a_newer_entry_replaces_only_its_own_kind(folder):
    cache.write("a-1", b"1", replaces="a-")
    cache.write("b-1", b"1", replaces="b-")
    cache.write("a-2", b"2", replaces="a-")
    assert sorted(p.name for p in folder.iterdir()) == ["a-2", "b-1"]


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("AGREEMENT_KIT_CACHE", "off")
    cache.write("x-1", b"payload")
    assert cache.folder() is None and cache.read("x-1") is None


def test_the_cached_library_is_the_library(folder):
    first = load_library()
    assert any(p.name.startswith("library-") for p in folder.iterdir())
    second = load_library()
    assert second.clauses.keys() == first.clauses.keys() and second.kinds == first.kinds
    assert second.clauses["meetings.chair"].clause == first.clauses["meetings.chair"].clause
    for entry in folder.iterdir():  # a damaged entry: loaded afresh
        entry.write_bytes(entry.read_bytes()[:-10])
    assert load_library().clauses.keys() == first.clauses.keys()


def test_a_changed_clause_file_is_read_afresh(folder, tmp_path, monkeypatch):
    from agreement_kit.load import library as library_module
    from agreement_kit.utils.resources import clauses_dir

    copy = tmp_path / "clauses"
    shutil.copytree(clauses_dir(), copy)
    monkeypatch.setattr(library_module, "clauses_dir", lambda: copy)
    assert load_library().clauses["meetings.chair"].clause.title == "Chairing the Forum"
    meetings = copy / "meetings.yaml"
    meetings.write_text(meetings.read_text().replace("title: Chairing the Forum", "title: Who chairs"))
    assert load_library().clauses["meetings.chair"].clause.title == "Who chairs"
    assert len([p for p in folder.iterdir() if p.name.startswith("library-")]) == 1  # the old one went


def test_the_cached_word_template_is_the_template_and_follows_its_file(folder, tmp_path):
    from agreement_kit.render.word import template as word
    from agreement_kit.utils.resources import templates_dir

    path = tmp_path / "agreement.docx"
    shutil.copy(templates_dir() / "agreement.docx", path)
    fresh = word._prepare(path, path.read_bytes())
    assert word.load_template.__wrapped__(path) == fresh  # made and kept
    assert word.load_template.__wrapped__(path) == fresh  # read back
    for entry in folder.iterdir():
        entry.write_bytes(entry.read_bytes()[:-1])
    assert word.load_template.__wrapped__(path) == fresh  # a damaged entry: prepared again
    with zipfile.ZipFile(templates_dir() / "agreement.docx") as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/footer1.xml":
                data = data.replace(b"</w:ftr>", b"<w:p/></w:ftr>")
            target.writestr(info, data)
    changed = word.load_template.__wrapped__(path)
    assert changed != fresh and changed == word._prepare(path, path.read_bytes())
    assert len([p for p in folder.iterdir() if p.name.startswith("word-template-")]) == 1


def test_cached_pay_data_is_the_pay_data(folder):
    from agreement_kit.load import pay
    from agreement_kit.utils.resources import data_dir

    bundled = data_dir() / "pay"
    fresh = pay._read(bundled)
    assert pay._load.__wrapped__(bundled) == fresh
    assert any(p.name.startswith("pay-data-") for p in folder.iterdir())
    assert pay._load.__wrapped__(bundled) == fresh


@pytest.fixture
def new_run(folder, monkeypatch):
    """Compiled templates as a new process finds them: read from the cache on first use."""
    from agreement_kit.assembly import templating

    def start() -> None:
        templating.save_compiled()
        monkeypatch.setattr(templating, "_CODE", None)
        templating.template_names.cache_clear()

    monkeypatch.setattr(templating, "_CODE", None)
    monkeypatch.setattr(templating, "_NEW", 0)
    templating.template_names.cache_clear()
    yield start
    templating.template_names.cache_clear()


def test_kept_template_names_are_those_jinja_finds(new_run):
    from agreement_kit.assembly import templating
    from agreement_kit.assembly.templating import template_names

    library = load_library()
    sources = [c.clause.text for c in library.clauses.values() if c.clause.text]
    sources += [c.clause.note for c in library.clauses.values() if c.clause.note]
    sources.append("{% if broken %}")  # not valid Jinja: no names
    first = [template_names(s) for s in sources]
    assert first[-1] == frozenset() and any(first)
    new_run()
    assert [template_names(s) for s in sources] == first
    assert templating._NEW == 0  # every one read back


def test_kept_rule_expressions_are_those_jinja_compiles(new_run):
    from jinja2 import TemplateSyntaxError

    from agreement_kit.assembly import templating
    from agreement_kit.assembly.integrity import ENV
    from agreement_kit.assembly.templating import expression_from_source

    rules = ["seats >= 2 * quorum", "'a' in names and chair", "(n or 0) + 1", "missing is defined"]
    context = {"seats": 9, "quorum": 4, "names": ["a"], "chair": "x", "n": None}
    jinja = [ENV.compile_expression(r, undefined_to_none=False)(**context) for r in rules]
    assert jinja == [True, "x", 1, False]
    assert [expression_from_source(ENV, "t", r)(**context) for r in rules] == jinja
    new_run()
    assert [expression_from_source(ENV, "t", r)(**context) for r in rules] == jinja
    assert templating._NEW == 0  # every one read back
    with pytest.raises(TemplateSyntaxError) as ours:
        expression_from_source(ENV, "t", "seats >=")
    with pytest.raises(TemplateSyntaxError) as theirs:
        ENV.compile_expression("seats >=", undefined_to_none=False)
    assert str(ours.value) == str(theirs.value)
