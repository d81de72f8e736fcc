"""How well `review DRAFT.docx` maps a Word draft's clauses onto the library, and how fast.

    python benchmarks/review_docx.py [--seeds 3] [--keep DIR]

Corpora, each labelled with the true clause id of every clause heading:

- built: every sample's agreements as the tool writes them (.docx);
- libreoffice / pandoc: the same saved through `soffice --headless --convert-to
  docx` and `pandoc agreement.md -o agreement.docx` (skipped when not installed);
- derived: drafts made from every sample's agreements by rewording sentences,
  reordering clauses, renaming headings, merging and deleting some, written
  half with Heading styles and half as bold numbered paragraphs;
- house style: `corpus/house_style.yaml`, clauses in another trust's words,
  plus unrelated policies (car parking...) that must be "not in the model".

Prints top-1 and top-3 accuracy per corpus and the time to review a 20-page draft.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from agreement_kit.assembly.assembler import assemble  # noqa: E402
from agreement_kit.assembly.model import Agreement, block_text  # noqa: E402
from agreement_kit.building.build import build  # noqa: E402
from agreement_kit.drafts.report import review_draft  # noqa: E402
from agreement_kit.load.library import load_library  # noqa: E402
from agreement_kit.load.spec import load_spec  # noqa: E402

SAMPLES = sorted((REPO / "samples").glob("*.yaml"))
CORPUS = Path(__file__).resolve().parent / "corpus"
SWAPS = [
    ("will", "shall"),
    ("must", "is required to"),
    ("the Employer", "the Trust"),
    ("meeting", "session"),
    ("agree", "consent"),
    ("reasonable", "appropriate"),
    ("within", "no later than"),
    ("each", "every"),
    ("may", "can"),
    ("the Forum", "the Committee"),
    ("Staff Side", "staff side"),
    ("written", "in writing"),
]
RENAMES = [
    "Arrangements for {t}",
    "{t}: local arrangements",
    "Our approach to {t}",
    "{t} and related matters",
]

HELD = "house style, held out"
Labels = dict[str, str | None]  # "4.3 Quorum" -> clause id, or None for not in the model


def labels_of(agreement: Agreement, library) -> Labels:
    return {f"{c.number} {c.title}": (c.id if c.id in library.clauses else None) for c in agreement.clauses()}


def reword(text: str, rng: random.Random) -> str:
    for old, new in rng.sample(SWAPS, 3):
        text = text.replace(old, new)
    sentences = text.split(". ")
    if len(sentences) > 2 and rng.random() < 0.3:
        sentences.pop(rng.randrange(1, len(sentences)))
    return ". ".join(sentences)


def derived(agreement: Agreement, library, rng: random.Random, path: Path, styled: bool) -> Labels:
    """A draft made from ``agreement``: reworded, reordered, renamed, merged, cut."""
    document = docx.Document()
    document.add_paragraph(agreement.title, style="Title")
    labels: Labels = {}
    for s, section in enumerate(agreement.sections, 1):
        clauses = list(section.clauses)
        if rng.random() < 0.4:
            rng.shuffle(clauses)
        kept: list[tuple[str, str | None, list[str]]] = []
        for clause in clauses:
            body = [
                reword(block_text(b), rng) if rng.random() < 0.6 else block_text(b) for b in clause.blocks
            ]
            title = rng.choice(RENAMES).format(t=clause.title) if rng.random() < 0.3 else clause.title
            cid = clause.id if clause.id in library.clauses else None
            roll = rng.random()
            if roll < 0.05:
                continue  # deleted
            if roll < 0.12 and kept:
                kept[-1][2].extend(body)  # merged into the clause before: still labelled as that one
                continue
            kept.append((title, cid, body))
        if not kept:
            continue
        heading = f"{s}. {section.title}"
        if styled:
            document.add_paragraph(heading, style="Heading 1")
        else:
            document.add_paragraph().add_run(heading).bold = True
        for c, (title, cid, body) in enumerate(kept, 1):
            number = f"{s}.{c}"
            if styled:
                document.add_paragraph(f"{number} {title}", style="Heading 2")
            else:
                document.add_paragraph().add_run(f"{number} {title}").bold = True
            for text in body:
                document.add_paragraph(text)
            labels[f"{number} {title}"] = cid
    document.save(str(path))
    return labels


def house_style(work: Path) -> list[tuple[Path, str, str, Labels, Labels]]:
    """One Word draft per entry of the corpus: (path, kind, nation, tuning labels, held-out labels)."""
    drafts = yaml.safe_load((CORPUS / "house_style.yaml").read_text(encoding="utf-8"))["drafts"]
    out = []
    position = 0
    for n, entry in enumerate(drafts):
        document = docx.Document()
        document.add_paragraph(entry["title"], style="Title")
        halves: tuple[Labels, Labels] = ({}, {})
        for i, clause in enumerate(entry["clauses"], 1):
            heading = f"{i}. {clause['heading']}"
            if entry.get("headings") == "styled":
                document.add_paragraph(heading, style="Heading 2")
            else:
                document.add_paragraph().add_run(heading).bold = True
            for text in clause["text"].split("\n\n"):
                document.add_paragraph(text)
            halves[position % 2][f"{i} {clause['heading']}"] = clause["clause"]
            position += 1
        path = work / f"house-style-{n}-{entry['kind']}-{entry['nation']}.docx"
        document.save(str(path))
        out.append((path, entry["kind"], entry["nation"], *halves))
    return out


def score(path: Path, labels: Labels, library, kind: str, nation: str, tally: dict, **more: tuple) -> None:
    """Review ``path`` and count its matches against ``labels`` in ``tally``; ``more``
    gives further (labels, tally) pairs scored on the same review."""
    review = review_draft(path, library=library, kind=kind, nation=nation)
    found = {}
    for s, m in zip(review.draft.segments, review.matches, strict=True):
        key = f"{s.number or s.index} {s.heading}"
        found[key] = m
    for these, into in [(labels, tally), *more.values()]:
        _count(path, these, found, into)


def _count(path: Path, labels: Labels, found: dict, tally: dict) -> None:
    for key, truth in labels.items():
        m = found.get(key)
        group = "unrelated" if truth is None else "clauses"
        t = tally.setdefault(group, [0, 0, 0])
        t[2] += 1
        if m is None:
            tally.setdefault("misread", []).append(f"{path.name}: {key}")
            continue
        top3 = [c.clause for c in m.candidates]
        t[0] += m.clause == truth
        t[1] += (m.clause is None) if truth is None else (truth in top3)
        if m.clause != truth:
            tally.setdefault("wrong", []).append(
                f"{path.name}: {key} -> {m.clause} (want {truth}; top 3 {', '.join(map(str, top3))})"
            )


def convert(tool: list[str], out: Path) -> bool:
    try:
        subprocess.run(tool, check=True, capture_output=True, timeout=180, cwd=out)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Keep the generated drafts in this folder.")
    parser.add_argument("-v", "--verbose", action="store_true", help="List every wrong match.")
    parser.add_argument("--house-only", action="store_true", help="Only the house-style corpus, no timing.")
    args = parser.parse_args()
    library = load_library()
    work = Path(args.keep or tempfile.mkdtemp(prefix="review-docx-"))
    work.mkdir(parents=True, exist_ok=True)
    tallies: dict[str, dict] = {}
    soffice, pandoc = shutil.which("soffice"), shutil.which("pandoc")
    biggest: tuple[int, Path, str, str] | None = None
    for spec_path in [] if args.house_only else SAMPLES:
        loaded = load_spec(spec_path)
        nation = loaded.spec.organisation.nation
        built = build([spec_path], work / "built", formats=["docx", "md"], library=library)
        for agreement in assemble(loaded, library):
            labels = labels_of(agreement, library)
            stem = f"{agreement.file_stem}-{agreement.kind}"
            source = work / "built" / f"{stem}.docx"
            score(source, labels, library, agreement.kind, nation, tallies.setdefault("built", {}))
            paras = len(docx.Document(str(source)).paragraphs)
            if biggest is None or paras > biggest[0]:
                biggest = (paras, source, agreement.kind, nation)
            if soffice:
                lo = work / "libreoffice"
                lo.mkdir(exist_ok=True)
                odt = [soffice, "--headless", "--convert-to", "odt", "--outdir", str(lo), str(source)]
                back = [
                    soffice,
                    "--headless",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    str(lo / "docx"),
                    f"{stem}.odt",
                ]
                if convert(odt, lo) and convert(back, lo):
                    tally = tallies.setdefault("libreoffice (via .odt)", {})
                    score(lo / "docx" / f"{stem}.docx", labels, library, agreement.kind, nation, tally)
            if pandoc:
                pd = work / "pandoc"
                pd.mkdir(exist_ok=True)
                md = work / "built" / f"{stem}.md"
                if convert([pandoc, str(md), "-o", str(pd / f"{stem}.docx")], pd):
                    tally = tallies.setdefault("pandoc (from .md)", {})
                    score(pd / f"{stem}.docx", labels, library, agreement.kind, nation, tally)
            for seed in range(args.seeds):
                rng = random.Random(f"{stem}-{seed}")
                path = work / "derived" / f"{stem}-{seed}.docx"
                path.parent.mkdir(exist_ok=True)
                labels_d = derived(agreement, library, rng, path, styled=seed % 2 == 0)
                score(path, labels_d, library, agreement.kind, nation, tallies.setdefault("derived", {}))
        del built
    for path, kind, nation, tuning, held_out in house_style(work):
        tally = tallies.setdefault("house style, tuning half", {})
        score(path, tuning, library, kind, nation, tally, held=(held_out, tallies.setdefault(HELD, {})))
    print(f"{'corpus':28} {'clauses':>8} {'top-1':>7} {'top-3':>7}   unrelated marked not in the model")
    for name, tally in tallies.items():
        right, top3, total = tally.get("clauses", [0, 0, 0])
        u_right, _, u_total = tally.get("unrelated", [0, 0, 0])
        unrelated = f"{u_right}/{u_total}" if u_total else "-"
        print(f"{name:28} {total:8} {right / max(total, 1):7.1%} {top3 / max(total, 1):7.1%}   {unrelated}")
        if tally.get("misread"):
            print(f"    {len(tally['misread'])} labelled headings not read as clause headings")
        if args.verbose:
            for line in tally.get("wrong", []) + tally.get("misread", []):
                print("    " + line)
    if not soffice:
        print("libreoffice: soffice not installed, skipped")
    if not pandoc:
        print("pandoc: not installed, skipped")
    if biggest is None:
        return
    _, source, kind, nation = biggest
    timing(source, kind, nation, library, work)


def twenty_pages(source: Path, work: Path) -> tuple[Path, int]:
    """The largest draft, with the other agreements' clauses appended until it has 20
    pages' words (about 450 to a page of 11pt body text)."""
    document = docx.Document(str(source))
    body = document.element.body
    end = body[-1]  # the section settings stay last
    words = sum(len(p.text.split()) for p in document.paragraphs)
    for other in sorted((work / "built").glob("*.docx")):
        if other == source or words >= 20 * 450:
            continue
        for p in docx.Document(str(other)).paragraphs:
            if words >= 20 * 450:
                break
            end.addprevious(copy.deepcopy(p._p))
            words += len(p.text.split())
    big = work / "twenty-pages.docx"
    document.save(str(big))
    return big, words


def timing(source: Path, kind: str, nation: str, library, work: Path) -> None:
    big, words = twenty_pages(source, work)
    print(f"\ntiming on {source.name} with clauses appended: {words:,} words, about {words / 450:.0f} pages")
    cmd = [sys.executable, "-m", "agreement_kit", "review", str(big), "-o", str(work / "timing")]

    def command(cache: Path) -> float:
        started = time.perf_counter()
        env = {**os.environ, "AGREEMENT_KIT_CACHE": str(cache)}
        subprocess.run(cmd, check=True, capture_output=True, cwd=REPO, env=env)
        return time.perf_counter() - started

    cold = [command(work / f"cache-cold-{i}") for i in range(5)]  # each run with an empty cache
    warm_cache = work / "cache-warm"
    command(warm_cache)
    warm = [command(warm_cache) for _ in range(5)]
    for name, runs in (("empty cache (first review of the day)", cold), ("model wording cached", warm)):
        print(
            f"  agreement-kit review DRAFT.docx, new process, kind and nation guessed, md+html+docx,"
            f" {name}: median {statistics.median(runs):.2f} s of 5 (fastest {min(runs):.2f} s)"
        )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"  (python -c pass: {time.perf_counter() - started:.2f} s)")
    inproc = []
    for _ in range(5):
        started = time.perf_counter()
        review_draft(big, library=library, kind=kind, nation=nation)
        inproc.append(time.perf_counter() - started)
    print(
        f"  review_draft in a running process (library loaded, model wording in memory):"
        f" median {statistics.median(inproc):.2f} s"
    )


if __name__ == "__main__":
    main()
