"""How the Word render grows with the formatting runs in one paragraph.

A spec whose own wording is one paragraph of N alternately italic and plain
runs is rendered to .docx at N, 4N and 16N runs; the script prints each time
and the ratio of each step. Linear growth shows ratios near 4; the old
renderer, which moved a parsed fragment between XML documents, showed
ratios near 10 and took minutes on a 1.8 MB spec.

    python benchmarks/runs_scaling.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.render.docx import render_docx

SPEC = """\
agreements: [partnership]
organisation:
  {{name: Example NHS Trust, short_name: Example, type: acute_trust, nation: england, headcount: 900}}
unions: [{{name: UNISON, short_name: UNISON}}]
dates: {{effective: 2026-04-01}}
clauses:
  meetings.chair:
    text: "{body}"
"""


def seconds(runs: int, library, folder: Path) -> float:
    body = " ".join(f"*a{i}* b" for i in range(runs // 2))
    path = folder / f"runs-{runs}.yaml"
    path.write_text(SPEC.format(body=body))
    (agreement,) = assemble(load_spec(path), library)
    start = time.perf_counter()
    render_docx(agreement)
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        seconds(100, library, Path(tmp))  # warm the template cache
        times = [(runs, seconds(runs, library, Path(tmp))) for runs in (n, 4 * n, 16 * n)]
    previous = None
    for runs, took in times:
        ratio = f"  x{took / previous:.1f} for 4x the runs" if previous else ""
        print(f"{runs:>7,} runs in one paragraph: {took * 1000:8.1f} ms{ratio}")
        previous = took


if __name__ == "__main__":
    main()
