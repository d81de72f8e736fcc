"""Speed and memory figures for agreement-kit, measured in one run.

    python benchmarks/bench.py [--employers 1000] [--spec samples/suffolk-ccg.yaml]

Prints, for one agreement:
- our full .docx (with comments) against the floor: the same package parts
  written with zipfile and no rendering (target: at most 3x the floor);
- our .docx against `pandoc agreement.md -o agreement.docx` (target: at
  least 4x faster);
and for a batch of N employers (partnership + recognition, docx + md +
html): wall time (target under 60 s for 1,000 on 2 cores), the speed-up
from a second worker, and peak memory per process (target under 250 MB,
flat over the batch); and the start-up time of `agreement-kit --help`
(target under 200 ms).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from agreement_kit import assemble, load_library, load_spec  # noqa: E402
from agreement_kit.batch.batch import jobs_from_table, run_batch  # noqa: E402
from agreement_kit.render import render  # noqa: E402


def best_of(func, repeat: int) -> float:
    """The fastest of ``repeat`` timed calls, in seconds (least disturbed by the machine)."""
    return best_of_each([func], repeat)[0]


def best_of_each(funcs: list, repeat: int) -> list[float]:
    """The fastest of ``repeat`` timed calls of each function, the functions
    taking turns, so a busy spell on the machine slows them alike."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, record in zip(funcs, times, strict=True):
            start = time.perf_counter()
            func()
            record.append(time.perf_counter() - start)
    return [min(t) for t in times]


def zip_floor_writer(docx_bytes: bytes):
    """Writes the very same parts with zipfile alone: no templating, no XML work."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]

    def write() -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in parts:
                target.writestr(info, data)

    return write


def single_document(spec: Path, repeat: int) -> None:
    library = load_library()
    agreement = assemble(load_spec(spec), library)[0]
    docx_bytes = render(agreement, "docx")  # also warms the template and Jinja caches
    ours, floor = best_of_each([lambda: render(agreement, "docx"), zip_floor_writer(docx_bytes)], repeat)
    print(
        f"agreement: {agreement.title}, {len(agreement.clauses())} clauses, "
        f"{len(docx_bytes) / 1024:.0f} KiB .docx"
    )
    print(f"docx render (with comments): {ours * 1000:.1f} ms")
    print(f"zipfile floor (same parts):  {floor * 1000:.1f} ms")
    print(f"ratio to floor: {ours / floor:.2f}x (target <= 3x)")
    if shutil.which("pandoc"):
        with tempfile.TemporaryDirectory() as tmp:
            md = Path(tmp) / "agreement.md"
            md.write_bytes(render(agreement, "md"))
            out = Path(tmp) / "agreement.docx"
            pandoc = best_of(lambda: subprocess.run(["pandoc", str(md), "-o", str(out)], check=True), 5)
        print(f"pandoc md -> docx: {pandoc * 1000:.1f} ms; we are {pandoc / ours:.1f}x faster (target >= 4x)")
    else:
        print("pandoc not installed: comparison skipped")


def employers_table(path: Path, count: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["organisation.name", "organisation.short_name", "organisation.slug", "organisation.headcount"]
        )
        for i in range(count):
            writer.writerow(
                [f"Employer {i:04d} NHS Trust", f"Employer {i:04d}", f"employer-{i:04d}", 500 + i]
            )


def batch(spec: Path, count: int, workers: int) -> tuple[float, int]:
    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "employers.csv"
        employers_table(table, count)
        jobs = jobs_from_table(table, spec, library)
        start = time.perf_counter()
        result = run_batch(jobs, Path(tmp) / "out", library=library, workers=workers)
        wall = time.perf_counter() - start
        assert not result.failures, result.failures[0].error
        files = sum(len(o.outputs) for o in result.outcomes)
    return wall, files


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def startup(repeat: int = 10) -> float:
    exe = shutil.which("agreement-kit")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "agreement_kit", "--help"]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=REPO / "samples" / "teaching-trust.yaml")
    parser.add_argument("--employers", type=int, default=1000)
    parser.add_argument("--speedup-employers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    single_document(args.spec, args.repeat)

    n = args.speedup_employers
    one, _ = batch(args.spec, n, workers=1)
    two, _ = batch(args.spec, n, workers=2)
    print(f"batch of {n}: 1 worker {one:.1f} s, 2 workers {two:.1f} s; speed-up {one / two:.2f}x")

    # Memory: a short batch and a long one; flat means the long one peaks no higher.
    short_wall, _ = batch(args.spec, max(10, args.employers // 10), workers=2)
    short_peak = peak_rss_mb(resource.RUSAGE_CHILDREN)
    wall, files = batch(args.spec, args.employers, workers=2)
    long_peak = peak_rss_mb(resource.RUSAGE_CHILDREN)
    print(
        f"batch of {args.employers} employers, 2 workers: {wall:.1f} s wall, {files} files "
        f"(target < 60 s for 1,000)"
    )
    print(
        f"peak memory per worker: {short_peak:.0f} MB after {max(10, args.employers // 10)} employers, "
        f"{long_peak:.0f} MB after {args.employers} (target < 250 MB, flat); "
        f"parent {peak_rss_mb(resource.RUSAGE_SELF):.0f} MB"
    )
    print(f"agreement-kit --help: {startup() * 1000:.0f} ms median of 10 (target < 200 ms)")


if __name__ == "__main__":
    main()
