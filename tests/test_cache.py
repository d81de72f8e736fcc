"""The per-user cache only ever makes a run faster: a damaged, foreign or
linked entry is a miss, and a cached library is the library."""

from __future__ import annotations

import os

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
