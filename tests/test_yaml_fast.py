"""YAML composed from libyaml's events reads exactly as PyYAML's own loader:
the same values, lines and messages, and the same refusals."""

from __future__ import annotations

import pytest

from agreement_kit import InputError
from agreement_kit.load import yaml_source
from agreement_kit.utils.resources import clauses_dir

CASES = [
    "a: b\nc: [1, 2, {d: e}]\n",
    "items:\n-\n- x\n",  # an empty item: PyYAML and libyaml place it on different lines
    "a:\nb: 2\n",  # an empty value
    "? \n: v\n",
    "a: !!int\n",
    "a:\tb\n",  # a tab, which libyaml accepts and PyYAML refuses
    "a: |#c\n  x\n",
    "a: x\u2028y\n",
    "a: \ufeffx\n",
    "a: yes\nb: 010\nc: '010'\nd: 1:30\n",
    "a: b: c\n",
    "a: - b\n",
    "base: &b {a: 1}\nother:\n  <<: *b\n",
    "a: &x [1]\nb: *x\n",
    "a: 1\na: 2\n",
    'a: "Bad\\ud800"\n',
    'a: "Bad\\x0bName"\n',
    "a: 2026-02-30\n",
    "---\n",
    "",
    "a: " + "[" * 150 + "]" * 150 + "\n",
    "a: " + "[" * 20_000 + "]" * 20_000 + "\n",  # libyaml's own composer would overflow the C stack
    "- " * 5_000 + "x\n",
]


def outcome(path, fast: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(yaml_source, "_CLoader", None)
        try:
            data, source = yaml_source.load_yaml(path)
        except InputError as exc:
            return ("refused", [str(p) for p in exc.problems])
        except Exception as exc:  # noqa: BLE001 - the same failure either way
            return ("failed", type(exc).__name__)
    return ("read", repr(data), sorted(source.lines.items(), key=repr), source.text)


@pytest.mark.skipif(yaml_source._CLoader is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("text", CASES)
def test_libyaml_reads_as_pyyaml(text, tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)


@pytest.mark.skipif(yaml_source._CLoader is None, reason="PyYAML without libyaml")
def test_the_bundled_library_reads_alike(monkeypatch):
    for path in sorted(clauses_dir().glob("*.yaml")):
        assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch), path.name
