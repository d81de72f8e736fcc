"""Speed and memory figures for agreement-kit, measured in one run.

    python benchmarks/bench.py [--employers 1000] [--spec samples/teaching-trust.yaml] [--quick]

Every figure is printed with the spread across its repeats (median, and the
fastest and slowest) and the machine's load average when it was taken: on a
shared 2-core machine figures move by a third with the load.

- .docx render against a fair floor: the floor packages the same document
  the way the renderer does (the template's unchanging parts compressed once
  and reused, the changing parts compressed every time, with the same zip
  writer at the same level) and does no rendering; target: render within 2x
  of the floor. The same pair with the changing parts at zlib's default
  level (as they were before PART_LEVEL), and the older floor, zipfile
  compressing every part every time, are shown too.
- against pandoc, two honest comparisons: (1) one .docx in a running
  process, as inside a batch, against one `pandoc agreement.md -o x.docx`
  (pandoc always starts cold, and writes no comments); (2) one agreement per
  command from a cold start, `agreement-kit build SPEC -f docx` with a
  one-agreement spec, against the same pandoc command.
- one `agreement-kit build SPEC` of the sample, all formats, in a new
  process: target under 250 ms (with the per-user cache filled; the first
  run, with an empty cache, is shown too).
- batch of N employers (both agreements, docx + md + html), 2 workers:
  target under 30 s for 1,000; the CPU time per employer (the batch process
  and its workers together: the figure a busy machine moves least); the
  speed-up from a second worker; and each worker process's own peak memory
  (VmHWM) at 100 and at N employers: flat, under 250 MB.
- `agreement-kit --help`: target under 200 ms.
- benchmarks/review_docx.py and benchmarks/drafting_page.py, when present,
  are run and their figures printed (targets: review of a 20-page draft
  under 2 s; the drafting page's preview under 150 ms p95).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from agreement_kit import assemble, load_library, load_spec  # noqa: E402
from agreement_kit.batch.batch import jobs_from_table, run_batch  # noqa: E402
from agreement_kit.render import render  # noqa: E402
from agreement_kit.render.word import zip_package  # noqa: E402
from agreement_kit.render.word.zip_package import deflate, write_zip  # noqa: E402
from agreement_kit.utils.resources import templates_dir  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(REPO)}  # run this checkout, not an installed copy


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def machine_speed() -> str:
    """A fixed piece of work timed in this process and in a new one: how fast
    the machine is now. A virtual machine's speed drifts (the same build
    measured 244 ms one hour and 280 ms the next, load under 1 both times),
    and the load average does not show it; these figures do, so runs taken
    at different times can be set side by side."""
    work = timed_turns([lambda: sum(i * i for i in range(200_000))], 7)[0]
    start = [cold_command([sys.executable, "-c", "pass"], 1)[0] for _ in range(7)]
    return (
        f"machine speed: a fixed loop {statistics.median(work) * 1000:.1f} ms, "
        f"python -c pass {statistics.median(start) * 1000:.1f} ms (medians of 7)"
    )


def spread(times: list[float], unit: float = 1000, fmt: str = "{:.1f}", suffix: str = " ms") -> str:
    """``median (min-max, n=N, load)``."""
    f = [fmt.format(t * unit) for t in (statistics.median(times), min(times), max(times))]
    return f"{f[0]}{suffix} (range {f[1]}-{f[2]}, n={len(times)}; {load()})"


def timed_turns(funcs: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Each function timed ``repeat`` times, taking turns, so that a busy spell
    on the machine slows them alike."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, record in zip(funcs, times, strict=True):
            start = time.perf_counter()
            func()
            record.append(time.perf_counter() - start)
    return times


# -- one document --------------------------------------------------------------


def floors(docx_bytes: bytes) -> tuple[Callable[[], bytes], Callable[[], None], int]:
    """The fair floor (package as the renderer does, no rendering) and the old
    one (zipfile compressing every part); and how many parts change."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(templates_dir() / "agreement.docx") as template:
        unchanging = {info.filename: template.read(info) for info in template.infolist()}
    # the template's parts that every document carries unchanged are compressed once
    members = [
        (info.filename, deflate(data) if unchanging.get(info.filename) == data else data)
        for info, data in parts
    ]
    changing = sum(1 for _, data in members if isinstance(data, bytes))
    when = parts[0][0].date_time

    def fair() -> bytes:
        import datetime as dt

        return write_zip(members, dt.datetime(*when))

    def old() -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in parts:
                target.writestr(info, data)

    return fair, old, changing


@contextlib.contextmanager
def part_level(level: int) -> Iterator[None]:
    """Deflate the parts that change per document at ``level`` for a while."""
    saved, zip_package.PART_LEVEL = zip_package.PART_LEVEL, level
    try:
        yield
    finally:
        zip_package.PART_LEVEL = saved


def cold_command(
    cmd: list[str], repeat: int, env: dict[str, str] | None = None, cpu: list[float] | None = None
) -> list[float]:
    """Wall seconds of each run; with ``cpu``, each run's user + system CPU
    seconds are added to it (less moved by other work on the machine)."""
    times = []
    for _ in range(repeat):
        before = _children_cpu()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env or ENV)
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(_children_cpu() - before)
    return times


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # not on Windows: no CPU figures
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def employer(i: int) -> dict[str, object]:
    """The organisation fields of the benchmark's ``i``-th employer: what
    differs between the employers of a batch."""
    return {
        "name": f"Employer {i:04d} NHS Trust",
        "short_name": f"Employer {i:04d}",
        "slug": f"employer-{i:04d}",
        "headcount": 500 + i,
    }


def employer_spec(spec: Path, i: int) -> str:
    """The spec's YAML with its organisation made the ``i``-th employer's."""
    import yaml

    base = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data = {**base, "organisation": {**base["organisation"], **employer(i)}}
    return yaml.safe_dump(data, sort_keys=False)


def employer_agreements(spec: Path, count: int, library: object) -> list:
    """The spec's first agreement for ``count`` employers that differ as a
    batch's do, so that what is kept between documents is what a batch keeps,
    no more."""
    agreements = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            path = Path(tmp) / f"employer-{i}.yaml"
            path.write_text(employer_spec(spec, i), encoding="utf-8")
            agreements.append(assemble(load_spec(path), library)[0])
    return agreements


def single_document(spec: Path, repeat: int) -> None:
    library = load_library()
    agreement = assemble(load_spec(spec), library)[0]
    docx_bytes = render(agreement, "docx")  # also warms the template and Jinja caches
    fair, old, changing = floors(docx_bytes)
    assert len(fair()) > 0
    total = len(zipfile.ZipFile(io.BytesIO(docx_bytes)).infolist())
    print(
        f"agreement: {agreement.title}, {len(agreement.clauses())} clauses, "
        f"{len(docx_bytes) / 1024:.0f} KiB .docx, {changing} of {total} parts change per document"
    )
    # The target's figure: ten employers' agreements in turn, each against the
    # floor of its own bytes, as a batch renders them (the same document again
    # and again would find all of its words' renderings kept, which no batch does).
    employers = employer_agreements(spec, 10, library)
    for each in employers:
        render(each, "docx")
    pairs = [(each, floors(render(each, "docx"))[0]) for each in employers]
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(max(1, repeat // len(pairs))):
        for each, its_floor in pairs:
            one, its = timed_turns([lambda each=each: render(each, "docx"), its_floor], 1)
            ours += one
            floor += its
    print(f"  .docx render (with comments), in process, {len(pairs)} employers in turn: {spread(ours)}")
    print(f"  fair floor (same packaging, no rendering): {spread(floor)}")
    ratio = [o / f for o, f in zip(ours, floor, strict=True)]
    print(
        f"  ratio to the fair floor: {statistics.median(ratio):.2f}x "
        f"(range {min(ratio):.2f}-{max(ratio):.2f}x; target <= 2x: "
        f"{'met' if statistics.median(ratio) <= 2 else 'not met'})"
    )
    same, same_floor, old_floor = timed_turns([lambda: render(agreement, "docx"), fair, old], repeat)
    print(
        f"  the same document again and again: render {spread(same)}, floor {spread(same_floor)}; "
        f"old floor (zipfile compressing every part every time): {spread(old_floor)}"
    )
    with part_level(zlib.Z_DEFAULT_COMPRESSION):  # as the changing parts were deflated before
        default_bytes = render(agreement, "docx")
        fair_default = floors(default_bytes)[0]
        ours6, floor6 = timed_turns([lambda: render(agreement, "docx"), fair_default], repeat)
    ratio6 = [o / f for o, f in zip(ours6, floor6, strict=True)]
    print(
        f"  with the changing parts at zlib's default level ({len(default_bytes) / 1024:.0f} KiB against "
        f"{len(docx_bytes) / 1024:.0f} KiB at level {zip_package.PART_LEVEL}): render {spread(ours6)}, "
        f"floor {spread(floor6)}, ratio {statistics.median(ratio6):.2f}x "
        f"(range {min(ratio6):.2f}-{max(ratio6):.2f}x)"
    )

    if not shutil.which("pandoc"):
        print("  pandoc not installed: comparison skipped")
        return
    agreements = assemble(load_spec(spec), library)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        mds = []
        for one in agreements:
            mds.append(folder / f"{one.kind}.md")
            mds[-1].write_bytes(render(one, "md"))
        pandoc = cold_command(["pandoc", str(mds[0]), "-o", str(folder / "p.docx")], 7)
        pandoc_all = [
            sum(cold_command(["pandoc", str(md), "-o", str(folder / "p.docx")], 1)[0] for md in mds)
            for _ in range(5)
        ]
        cmd = [
            sys.executable,
            "-m",
            "agreement_kit",
            "build",
            str(spec),
            "-f",
            "docx",
            "-o",
            str(folder / "o"),
        ]
        ours_cold = cold_command(cmd, 7)
    p, w = statistics.median(pandoc), statistics.median(ours)
    print(f"  pandoc agreement.md -o agreement.docx (a new process; writes no comments): {spread(pandoc)}")
    print(f"  (1) one .docx inside a running process (as in a batch): {w * 1000:.1f} ms, {p / w:.0f}x pandoc")
    print(
        f"  (2) from a cold start, `build SPEC -f docx` ({len(agreements)} agreements): {spread(ours_cold)}; "
        f"pandoc for the same {len(mds)} documents, one process each: {spread(pandoc_all)}; "
        f"{statistics.median(pandoc_all) / statistics.median(ours_cold):.1f}x"
    )


def cold_build(spec: Path, repeat: int) -> None:
    # An installed copy has its bytecode compiled (pip does it on install), and a
    # checkout has it after its first run unless PYTHONDONTWRITEBYTECODE is set:
    # compile it here, so that no run pays for compiling the package's source.
    compileall.compile_dir(REPO / "agreement_kit", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "agreement_kit", "build", str(spec), "-o", str(Path(tmp) / "out")]
        empty = {**ENV, "AGREEMENT_KIT_CACHE": str(Path(tmp) / "cache")}
        first = cold_command(cmd, 1, empty)  # fills the cache
        warm: list[float] = []
        py: list[float] = []
        edited: list[float] = []
        warm_cpu: list[float] = []
        py_cpu: list[float] = []
        # The same spec edited before each run (another organisation each time),
        # as when an HR director changes a choice and builds again: what the
        # per-user cache keeps never includes anything made from the spec.
        copy = Path(tmp) / spec.name
        edit = [sys.executable, "-m", "agreement_kit", "build", str(copy), "-o", str(Path(tmp) / "edited")]
        for n in range(repeat):  # in turns, so that a busy spell slows all alike
            warm += cold_command(cmd, 1, empty, warm_cpu)
            py += cold_command([sys.executable, "-c", "pass"], 1, cpu=py_cpu)
            copy.write_text(employer_spec(spec, n), encoding="utf-8")
            edited += cold_command(edit, 1, empty)
        off = cold_command(cmd, 3, {**ENV, "AGREEMENT_KIT_CACHE": "off"})
    print(f"agreement-kit build {spec.name} (all agreements and formats), a new process each time:")
    print(
        f"  with the per-user cache: {spread(warm)} "
        f"(target < 250 ms: {'met' if statistics.median(warm) < 0.25 else 'not met'}); "
        f"CPU (user + system) {spread(warm_cpu)}"
    )
    print(f"  the spec edited before each run: {spread(edited)}")
    print(f"  first run, empty cache: {first[0] * 1000:.0f} ms; cache off: {spread(off)}")
    print(f"  of which Python starting: {spread(py)}; CPU {spread(py_cpu)}")


# -- batch ----------------------------------------------------------------------


def employers_table(path: Path, count: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"organisation.{field}" for field in employer(0)])
        for i in range(count):
            writer.writerow(employer(i).values())


class WorkerPeaks:
    """The peak resident memory (VmHWM) of each worker process of the batch's
    pool (started afresh, so it holds only its own memory), sampled while a
    batch runs: nothing from before."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WorkerPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _children(self) -> list[int]:
        me = os.getpid()
        try:
            import psutil  # type: ignore[import-untyped]

            return [p.pid for p in psutil.Process(me).children()]
        except ImportError:
            pass
        found = []
        for task in Path(f"/proc/{me}/task").iterdir():
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return found

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid in self._children():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    # the pool's workers, not the resource tracker multiprocessing starts beside them
                    if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                        continue
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]))


def cpu_seconds() -> float:
    """CPU time (user and system) of this process and of its children that have ended."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def batch(spec: Path, count: int, workers: int) -> tuple[float, int, list[float], float]:
    """Wall seconds, files written, each worker's peak memory in MB, and the
    CPU seconds of the batch process and its workers together."""
    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "employers.csv"
        employers_table(table, count)
        jobs = jobs_from_table(table, spec, library)
        with WorkerPeaks() as peaks:
            cpu, start = cpu_seconds(), time.perf_counter()
            result = run_batch(jobs, Path(tmp) / "out", library=library, workers=workers)
            wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu  # the pool has ended
        assert not result.failures, result.failures[0].error
        files = sum(len(o.outputs) for o in result.outcomes)
    return wall, files, sorted(kb / 1024 for kb in peaks.peaks.values()), cpu


def batches(spec: Path, employers: int, small: int, repeat: int) -> None:
    runs_one = [batch(spec, small, 1) for _ in range(repeat)]
    one = [r[0] for r in runs_one]
    runs = [batch(spec, small, 2) for _ in range(repeat)]
    two = [r[0] for r in runs]
    print(f"batch of {small}: 1 worker {spread(one, 1, '{:.1f}', ' s')}")
    print(
        f"  2 workers {spread(two, 1, '{:.1f}', ' s')}; "
        f"speed-up {statistics.median(one) / statistics.median(two):.2f}x"
    )
    small_peak = max(max(r[2], default=0) for r in runs)
    cpu_one, cpu_two = ([r[3] / small for r in rs] for rs in (runs_one, runs))
    print(f"  CPU per employer (the batch and its workers): 1 worker {spread(cpu_one)}; 2 {spread(cpu_two)}")
    wall, files, peaks, cpu = batch(spec, employers, 2)
    print(
        f"batch of {employers:,} employers, 2 workers: {wall:.1f} s wall ({load()}), {files:,} files, "
        f"{wall / employers * 1000:.0f} ms per employer (target < 30 s for 1,000: "
        f"{'met' if wall < 30 * employers / 1000 else 'not met'}); "
        f"CPU {cpu / employers * 1000:.1f} ms per employer"
    )
    print(
        f"  worker peak memory (VmHWM of each pool worker): {small_peak:.0f} MB at {small} employers, "
        f"{max(peaks, default=0):.0f} MB at {employers:,} ({', '.join(f'{p:.0f}' for p in peaks)} MB; "
        "target < 250 MB, flat)"
    )


def sub_benchmark(name: str, args: list[str]) -> None:
    script = REPO / "benchmarks" / name
    if not script.exists():
        print(f"{name}: not present")
        return
    print(f"--- {name} {' '.join(args)} ({load()})")
    done = subprocess.run([sys.executable, str(script), *args], env=ENV, capture_output=True, text=True)
    print(done.stdout.rstrip() or done.stderr.rstrip())


SECTIONS = ("document", "cold", "help", "batch", "review", "page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=REPO / "samples" / "teaching-trust.yaml")
    parser.add_argument("--employers", type=int, default=1000)
    parser.add_argument("--speedup-employers", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="Fewer repeats and no sub-benchmarks.")
    parser.add_argument(
        "--only",
        choices=SECTIONS,
        action="append",
        help="Run only this part (may be given more than once): the .docx render and pandoc, the cold "
        "build, --help, the batch, the review of a Word draft, the drafting page.",
    )
    args = parser.parse_args()
    only = set(args.only or (SECTIONS[:4] if args.quick else SECTIONS))
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; {load()} at the start")
    print(machine_speed())
    if "document" in only:
        single_document(args.spec, 10 if args.quick else args.repeat)
    if "cold" in only:
        cold_build(args.spec, 5 if args.quick else 10)
    if "help" in only:
        help_times = cold_command([sys.executable, "-m", "agreement_kit", "--help"], 10)
        print(f"agreement-kit --help: {spread(help_times)} (target < 200 ms)")
    if "batch" in only:
        batches(args.spec, args.employers, args.speedup_employers, 1 if args.quick else 2)
    if "review" in only:
        sub_benchmark("review_docx.py", ["--seeds", "1"])
    if "page" in only:
        sub_benchmark("drafting_page.py", [])
    print(f"{machine_speed()}; {load()} at the end")


if __name__ == "__main__":
    main()
