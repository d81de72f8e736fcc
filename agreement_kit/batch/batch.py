"""`batch`: agreements for many employers, in parallel, reproducibly, resumably.

Each employer is one job: validate its spec, assemble, render every format,
write atomically into its own folder, and leave a small record of what was
built from what. A re-run skips employers whose inputs, library and outputs
are unchanged. One failing employer never stops the others.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .. import __version__
from ..assembly.assembler import assemble
from ..load.library import Library, load_library
from ..load.parse import parse
from ..load.spec import LoadedSpec
from ..load.spec_models import Spec
from ..render import FORMATS, NOTES_MODES, NotesMode, render
from ..utils.atomic_write import write_atomic, write_atomic_all
from ..utils.epoch import source_date_epoch
from ..utils.errors import InputError, UsageError
from .facts import employer_facts
from .guard import Unsafe, die_with_parent, employer_folder, exclusive, read_inside, remove_stale_temporaries
from .index import write_reports
from .jobs import (
    ROW,
    SPEC,
    Job,
    dedupe,
    describe,
    jobs_from_folder,
    jobs_from_source,
    jobs_from_table,
    printable,
    resolved_spec,
)

# collecting the jobs lives in jobs.py; these names are the feature's API
__all__ = ["Job", "Outcome", "jobs_from_folder", "jobs_from_source", "jobs_from_table", "run_batch"]

RECORD = ".agreement-kit.json"
MANIFEST = "manifest.json"


@dataclass
class Outcome:
    key: str
    source: str
    status: str  # built, unchanged, failed
    input_hash: str | None = None
    library_version: str | None = None
    outputs: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    row: int | None = None  # the table row, for a table's employer
    name: str | None = None  # the organisation's name, when the spec gives one
    facts: dict[str, Any] | None = None  # what the index and portfolio report (facts.py)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def library_fingerprint(library: Library) -> str:
    """A hash of every file the output depends on: clauses and templates."""
    from ..utils.resources import templates_dir

    digest = hashlib.sha256(__version__.encode())
    for root in (library.root, templates_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "schema" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def input_hash(
    job: Job, fingerprint: str, formats: Sequence[str], notes: NotesMode, epoch: int | None = None
) -> str:
    """What an employer's outputs are built from; SOURCE_DATE_EPOCH is part
    of it because it changes the times inside a .docx."""
    canonical = json.dumps(
        {
            "spec": job.data,
            "formats": list(formats),
            "notes": notes,
            "library": fingerprint,
            "source_date_epoch": epoch,
        },
        sort_keys=True,
        default=str,
    )
    return _sha256(canonical.encode())[:32]


# -- running one job (in a worker process) -------------------------------------

_LIBRARY: Library | None = None


def _init_worker(library_root: str, parent: int | None = None) -> None:
    global _LIBRARY
    # A forked worker has the parent's library already; a spawned one loads it.
    if _LIBRARY is None or str(_LIBRARY.root) != library_root:
        _LIBRARY = load_library(Path(library_root))
    if parent is not None:  # a worker process: it ends with the batch
        die_with_parent(parent)
        # What it starts with (the library above all) lasts its life: the collector
        # need not scan it again, and a job's many short-lived objects are
        # collected in fewer rounds (1.6 ms of collecting per employer to 0.3 ms).
        gc.freeze()
        gc.set_threshold(2000, 20, 20)


def _run_job(
    job: Job,
    out_dir: str,
    formats: Sequence[str],
    notes: NotesMode,
    fingerprint: str,
    epoch: int | None,
    force: bool,
) -> Outcome:
    """One employer, whatever goes wrong: every failure is this employer's
    failed outcome, never an exception that stops the batch."""
    try:
        return _build_job(job, out_dir, formats, notes, fingerprint, epoch, force)
    except Exception as exc:
        version = _LIBRARY.version if _LIBRARY else None
        return Outcome(job.key, job.label, "failed", library_version=version, error=describe(exc))


def _build_job(
    job: Job,
    out_dir: str,
    formats: Sequence[str],
    notes: NotesMode,
    fingerprint: str,
    epoch: int | None,
    force: bool,
) -> Outcome:
    outcome = Outcome(job.key, job.label, "failed", library_version=_LIBRARY.version if _LIBRARY else None)
    if job.error is not None:
        outcome.error = job.error
        return outcome
    try:
        folder = employer_folder(Path(out_dir), job.key)
    except Unsafe as exc:
        outcome.error = str(exc)
        return outcome
    outcome.input_hash = input_hash(job, fingerprint, formats, notes, epoch)
    if not force:
        previous = _intact_record(folder, outcome.input_hash)
        if previous is not None:
            outcome.status, (outcome.outputs, outcome.facts) = "unchanged", previous
            return outcome
    # A job without an error carries its spec; the library was loaded by
    # _init_worker, which runs in every process before its first job.
    assert job.source is not None and _LIBRARY is not None
    try:
        spec = parse(Spec, job.data, job.source)
        agreements = assemble(LoadedSpec(spec, job.source, Path(job.label)), _LIBRARY)
        rendered = [(folder / SPEC, resolved_spec(job.data))] + [
            (folder / f"{a.file_stem}-{a.kind}.{fmt}", render(a, fmt, notes=notes))
            for a in agreements
            for fmt in formats
        ]
    except InputError as exc:
        outcome.error = printable("\n".join(exc.lines()))
        return outcome
    outcome.facts = employer_facts(spec, agreements, _LIBRARY)
    outputs = [{"path": f"{job.key}/{path.name}", "sha256": _sha256(data)} for path, data in rendered]
    # The record goes last: if the run dies before it is in place, the next run rebuilds.
    record = {"input_hash": outcome.input_hash, "outputs": outputs, "facts": outcome.facts}
    write_atomic_all(rendered, last=(folder / RECORD, json.dumps(record, indent=2, sort_keys=True).encode()))
    outcome.outputs = outputs
    outcome.status = "built"
    return outcome


def _intact_record(folder: Path, expected_hash: str) -> tuple[list[dict[str, str]], dict[str, Any]] | None:
    """The previous outputs and facts, if they were built from the same inputs and are
    untouched; a record is trusted only for files in this employer's own
    folder, read through no link."""
    try:
        record = json.loads(read_inside(folder.parent, f"{folder.name}/{RECORD}"))
        if record.get("input_hash") != expected_hash:
            return None
        outputs, facts = record["outputs"], record["facts"]
        if not isinstance(facts, dict):
            return None
        for output in outputs:
            if not output["path"].startswith(f"{folder.name}/"):
                return None
            if _sha256(read_inside(folder.parent, output["path"])) != output["sha256"]:
                return None
        return outputs, facts
    except (OSError, ValueError, KeyError, TypeError, AttributeError, Unsafe):
        return None


# -- the batch ------------------------------------------------------------------


@dataclass
class BatchResult:
    outcomes: list[Outcome]  # by employer folder, as in the manifest
    manifest: Path
    in_order: list[Outcome] = field(default_factory=list)  # as the jobs came: a table's row order
    reports: list[Path] = field(default_factory=list)  # index.html, summary.csv, portfolio.md/.html

    @property
    def failures(self) -> list[Outcome]:
        """The failed employers in table-row order (a folder's by name), as the table reads."""
        failed = [o for o in self.outcomes if o.status == "failed"]
        return sorted(failed, key=lambda o: (o.row if o.row is not None else 0, o.source))


def run_batch(
    jobs: list[Job],
    out_dir: Path,
    *,
    library: Library,
    formats: Sequence[str] = FORMATS,
    notes: NotesMode = "comments",
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[Outcome, int, int], None] | None = None,
    review: bool = False,
    today: dt.date | None = None,
) -> BatchResult:
    """Build every job into ``out_dir``; write manifest.json, and index.html and
    summary.csv in the jobs' order; with ``review``, each employer's findings
    in the index and the portfolio report, judged as at ``today``."""
    if notes not in NOTES_MODES:
        raise UsageError(f"--notes must be one of {', '.join(NOTES_MODES)}")
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise UsageError(f"unknown format {bad[0]!r}; choose from {', '.join(FORMATS)}")
    workers = workers or os.cpu_count() or 1
    out_dir.mkdir(parents=True, exist_ok=True)
    with exclusive(out_dir):
        remove_stale_temporaries(out_dir)
        result = _run_locked(dedupe(jobs), out_dir, library, formats, notes, workers, force, progress)
        result.reports = write_reports(result.in_order, out_dir, review=review, today=today)
        return result


def _run_locked(
    jobs: list[Job],
    out_dir: Path,
    library: Library,
    formats: Sequence[str],
    notes: NotesMode,
    workers: int,
    force: bool,
    progress: Callable[[Outcome, int, int], None] | None,
) -> BatchResult:
    fingerprint = library_fingerprint(library)
    epoch = _epoch_seconds()  # checked here, once, rather than failing in every worker
    # employer folders are checked against the real output folder, links resolved
    args = (str(out_dir.resolve()), tuple(formats), notes, fingerprint, epoch, force)
    outcomes: list[Outcome] = []
    # the index follows the table's rows (a folder's specs by name), the manifest the folders
    position = {id(job): i for i, job in enumerate(jobs)}
    ranked: list[tuple[int, Outcome]] = []

    def done(job: Job, outcome: Outcome) -> None:
        outcome.source = printable(outcome.source)
        outcome.error = None if outcome.error is None else printable(outcome.error)
        outcome.row = job.row
        outcome.name = _name(job.data)
        outcomes.append(outcome)
        ranked.append((position[id(job)], outcome))
        if progress:
            progress(outcome, len(outcomes), len(jobs))

    global _LIBRARY
    _LIBRARY = library  # this process's jobs, and forked workers, use it as it is
    if workers == 1 or len(jobs) == 1:
        _init_worker(str(library.root))
        for job in jobs:
            done(job, _run_job(job, *args))
    else:
        context = multiprocessing.get_context(START_METHOD)
        init = (str(library.root), os.getpid())
        with ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=init) as pool:
            try:
                for job, result in _in_windows(pool, jobs, args, WINDOW_PER_WORKER * workers):
                    try:
                        done(job, result.result())
                    except Exception as exc:  # a worker died: record it, keep going
                        done(
                            job,
                            Outcome(job.key, job.label, "failed", error=f"worker failed: {describe(exc)}"),
                        )
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    in_order = [o for _, o in sorted(ranked, key=lambda pair: pair[0])]
    outcomes.sort(key=lambda o: o.key)
    manifest = out_dir / MANIFEST
    write_atomic(manifest, _manifest(outcomes, library, fingerprint, formats, notes, epoch))
    return BatchResult(outcomes, manifest, in_order)


def _name(data: Any) -> str | None:
    org = data.get("organisation") if isinstance(data, dict) else None
    name = org.get("name") if isinstance(org, dict) else None
    return printable(name) if isinstance(name, str) else None


# Workers start afresh and load the checked library from the per-user cache once: a
# forked one would carry this process's memory, every employer's job, growing with N.
START_METHOD = "spawn"

# Jobs handed to the pool at a time, per worker: enough to keep every worker
# busy, few enough that the queues (and the parent's memory) stay the same
# size however many employers there are.
WINDOW_PER_WORKER = 4


def _in_windows(
    pool: ProcessPoolExecutor, jobs: list[Job], args: tuple, window: int
) -> Iterator[tuple[Job, Future[Outcome]]]:
    """Each job with its finished future, as they finish, never more than
    ``window`` submitted and unfinished. Waiting costs time in the window's
    size, not in the number of employers."""
    pending: dict[Future[Outcome], Job] = {}
    queue = iter(jobs)
    for job in queue:
        pending[pool.submit(_run_job, job, *args)] = job
        if len(pending) >= window:
            break
    while pending:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            yield pending.pop(future), future
            following = next(queue, None)
            if following is not None:
                pending[pool.submit(_run_job, following, *args)] = following


def _epoch_seconds() -> int | None:
    epoch = source_date_epoch()
    return int(epoch.timestamp()) if epoch else None


def _manifest(
    outcomes: list[Outcome],
    library: Library,
    fingerprint: str,
    formats: Sequence[str],
    notes: NotesMode,
    epoch: int | None,
) -> bytes:
    data = {
        "agreement_kit": __version__,
        "library": {"version": library.version, "fingerprint": fingerprint},
        "formats": list(formats),
        "notes": notes,
        "source_date_epoch": epoch,
        "employers": [
            {k: v for k, v in asdict(o).items() if v is not None and k != "facts"} for o in outcomes
        ],
    }
    text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    return text.encode("utf-8", "backslashreplace")  # valid UTF-8, whatever a name held


def plain_progress(stream: TextIO | None = None) -> Callable[[Outcome, int, int], None]:
    """A line per employer finished, for logs: ``[3/40] north: built``. The
    stream defaults to sys.stderr as it is when a line is written."""

    def report(outcome: Outcome, done: int, total: int) -> None:
        print(f"[{done}/{total}] {outcome.key}: {outcome.status}", file=stream or sys.stderr, flush=True)

    return report


def error_lines(outcome: Outcome) -> list[str]:
    """A failed employer's error, a line each, every line saying where it
    comes from: a validation message names its file and line already
    ("t.csv:5: ..."); anything else is prefixed with the employer's source."""
    origin = outcome.source.split(ROW)[0]  # a table row's source is "<table> row <n>"
    return [
        line if line.startswith(origin) else f"{outcome.source}: {line}"
        for line in (outcome.error or "failed").splitlines()
    ]
