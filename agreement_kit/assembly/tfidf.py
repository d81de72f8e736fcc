"""TF-IDF cosine similarity in numpy alone: fitted once on the model wording, kept on disk.

The same weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``:
term frequency 1 + ln(tf), smoothed idf ln((1 + N) / (1 + df)) + 1, each vector
of unit length. Two analysers: words (lower case, English stop words dropped,
unigrams and bigrams) and characters within words (3 to 5, each word padded
with a space). A word of the draft the model never uses still counts towards
the length of the draft's vector (with the idf of a term no document has), so
an unrelated paragraph does not look closer than it is for having its own
words ignored.

The model's rows are held by term (the postings of an inverted index), so the
similarity of a draft paragraph to every model row is one gather and one
``bincount``: no scipy, no scikit-learn, and nothing to import but numpy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Function words with no bearing on what a clause is about (a subset of the usual English list).
_STOP = """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up upon very was we were what when where whether
    which while who whom why will with within without would you your yours yourself yourselves shall
    must may might"""
STOP_WORDS = frozenset(_STOP.split())


def _synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    """match_words.yaml: a pattern for every other word, longest first, and the model's word for each."""
    data = yaml.safe_load((Path(__file__).with_name("match_words.yaml")).read_text(encoding="utf-8")) or {}
    to_model = {" ".join(other.lower().split()): word for word, others in data.items() for other in others}
    phrases = sorted(to_model, key=lambda p: (-len(p), p))
    pattern = r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")(?!\w)"
    return re.compile(pattern), to_model


SYNONYMS, TO_MODEL = _synonyms()
WORDS_FILE = Path(__file__).with_name("match_words.yaml")


def normal(text: str) -> str:
    """Lower case, each other word for a thing read as the model's word for it."""
    return SYNONYMS.sub(lambda m: TO_MODEL[" ".join(m.group(0).split())], text.lower())


def words(text: str) -> list[str]:
    tokens = [t for t in TOKEN.findall(normal(text)) if t not in STOP_WORDS]
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def chars(text: str) -> list[str]:
    out: list[str] = []
    for word in normal(text).split():
        padded = f" {word} "
        size = len(padded)
        for n in (3, 4, 5):
            if size < n:
                break
            out.extend(padded[i : i + n] for i in range(size - n + 1))
    return out


ANALYSERS = {"words": words, "chars": chars}


@lru_cache(maxsize=16_384)
def term_counts(analyser: str, text: str) -> Counter[str]:
    """The terms of ``text`` and how often each occurs: the same texts are analysed
    for several spaces when a matcher is fitted, so each is analysed once. Read only."""
    return Counter(ANALYSERS[analyser](text))


@dataclass
class Space:
    """One analyser fitted on a corpus: its vocabulary and idf, and a set of model rows."""

    analyser: str
    terms: list[str]
    idf: np.ndarray  # float64, one per term
    unseen_idf: float
    colptr: np.ndarray  # rows by term: term t's postings are [colptr[t], colptr[t + 1])
    row_of: np.ndarray
    weight: np.ndarray
    n_rows: int

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.terms)}

    @classmethod
    def fit(cls, analyser: str, corpus: list[str], rows: list[str]) -> Space:
        counts = [term_counts(analyser, t) for t in corpus]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        terms = sorted(df)
        n = len(corpus)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in terms])
        space = cls(analyser, terms, idf, math.log(1 + n) + 1, np.zeros(1, np.int64), *_empty())
        space._set_rows(rows)
        return space

    def _set_rows(self, rows: list[str]) -> None:
        by_term: list[list[tuple[int, float]]] = [[] for _ in self.terms]
        for r, text in enumerate(rows):
            ids, w = self.vector(text)
            for t, x in zip(ids.tolist(), w.tolist(), strict=True):
                by_term[t].append((r, x))
        sizes = np.array([len(p) for p in by_term], np.int64)
        self.colptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        flat = [e for p in by_term for e in p]
        self.row_of = np.array([r for r, _ in flat], np.int64)
        self.weight = np.array([x for _, x in flat], np.float64)
        self.n_rows = len(rows)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The known terms of ``text`` and their weights, the vector of unit length."""
        counts = term_counts(self.analyser, text)
        ids, tf, unseen = [], [], 0.0
        for term, c in counts.items():
            weight = 1 + math.log(c)
            i = self.index.get(term)
            if i is None:
                unseen += (weight * self.unseen_idf) ** 2
            else:
                ids.append(i)
                tf.append(weight)
        idx = np.array(ids, np.int64)
        w = np.array(tf, np.float64) * self.idf[idx]
        norm = math.sqrt(float(w @ w) + unseen)
        return idx, (w / norm if norm else w)

    def cosine(self, texts: list[str]) -> np.ndarray:
        """texts x model rows."""
        out = np.zeros((len(texts), self.n_rows))
        for i, text in enumerate(texts):
            ids, w = self.vector(text)
            if not len(ids):
                continue
            starts, ends = self.colptr[ids], self.colptr[ids + 1]
            lens = ends - starts
            total = int(lens.sum())
            if not total:
                continue
            offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
            out[i] = np.bincount(
                self.row_of[offsets], weights=self.weight[offsets] * np.repeat(w, lens), minlength=self.n_rows
            )
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}.idf": self.idf,
            f"{prefix}.colptr": self.colptr,
            f"{prefix}.row_of": self.row_of,
            f"{prefix}.weight": self.weight,
        }

    def header(self) -> dict:
        return {
            "analyser": self.analyser,
            "terms": self.terms,
            "unseen_idf": self.unseen_idf,
            "n_rows": self.n_rows,
        }

    @classmethod
    def restore(cls, header: dict, arrays: dict[str, np.ndarray], prefix: str) -> Space:
        return cls(
            header["analyser"],
            list(header["terms"]),
            arrays[f"{prefix}.idf"],
            float(header["unseen_idf"]),
            arrays[f"{prefix}.colptr"],
            arrays[f"{prefix}.row_of"],
            arrays[f"{prefix}.weight"],
            int(header["n_rows"]),
        )


def _empty() -> tuple[np.ndarray, np.ndarray, int]:
    return np.zeros(0, np.int64), np.zeros(0, np.float64), 0


def similarity(spaces: tuple[Space, Space], texts: list[str]) -> np.ndarray:
    """Mean of the word and character cosine similarity, texts x model rows."""
    return (spaces[0].cosine(texts) + spaces[1].cosine(texts)) / 2
