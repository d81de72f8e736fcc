"""The drafting page's speed, in-process (Starlette's TestClient, no socket).

Prints the first load of the page (the form generated from the library, the
spec checked and reviewed) and the preview's update latency: the time from
posting a changed form to having the agreement's HTML, the review's
findings and the problems back, over N changes alternating a variant and a
value. Target: p95 under 150 ms.

    python benchmarks/drafting_page.py [--sample teaching-trust] [--changes 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]
warnings.filterwarnings("ignore", category=DeprecationWarning)

from starlette.testclient import TestClient  # noqa: E402
from test_serve import form_items, replaced  # noqa: E402

from agreement_kit.load.library import load_library  # noqa: E402
from agreement_kit.serve.app import create_app  # noqa: E402
from agreement_kit.serve.drafting import read_spec_file  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", default="teaching-trust")
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    library = load_library()
    spec = read_spec_file(REPO / "samples" / f"{args.sample}.yaml")
    client = TestClient(create_app(spec, port=8000, library=library), base_url="http://127.0.0.1:8000")
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        page = client.get("/")
        loads.append(time.perf_counter() - started)
    items = form_items(page.text)
    token = dict(items)["csrf"]
    variants = list(library.clauses["meetings.chair"].clause.variants)
    headers = {"content-type": "application/x-www-form-urlencoded", "x-csrf-token": token}
    times = []
    for i in range(args.changes):
        changed = replaced(items, "c.meetings.chair.variant", variants[i % len(variants)])
        changed = replaced(changed, "c.meetings.frequency.p.meetings_per_year", str(4 + i % 8))
        changed += [("focus", "meetings.chair")]
        started = time.perf_counter()
        answer = client.post("/api/preview", content=urlencode(changed), headers=headers)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200 and answer.json()["html"], answer.text[:500]
    ms = [t * 1000 for t in times]
    print(f"drafting page ({args.sample}, {len(page.content) // 1024} KiB)")
    print(f"first load: {loads[0] * 1000:.0f} ms (then median {statistics.median(loads[1:]) * 1000:.0f} ms)")
    print(
        f"preview update over {args.changes} changes: p50 {percentile(ms, 0.5):.0f} ms,"
        f" p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms (target p95 < 150 ms)"
    )


if __name__ == "__main__":
    main()
