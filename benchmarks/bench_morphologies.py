"""Benchmark of the morphologies package on the L5 pyramidal cell (11,723 SWC samples).

Times load (pre-parse + MorphIO), check (all problems, NeuroM checks), discretise
(d_lambda and full resolution) and the HTML view, beside brian2's own
``Morphology.from_swc_file`` on the same file, in the same process; and ``check``
of a navis-style file with 3,248 identical errors, whose report groups them (the
previous version printed one line each).  Each step is
timed as the median of ``--repeat`` runs without tracing, then run once more
under :mod:`tracemalloc` for its peak Python memory.  Prints a table.

    python benchmarks/bench_morphologies.py [--repeat 5] [--file FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

from brian2 import Morphology

from morphologies import check, discretise, load, plot_morphology, save_html
from morphologies.bundled import bundled_path
from morphologies.errors import MorphologyWarning


def _measure(func, repeat):
    """Median wall time (s) over ``repeat`` runs, peak traced memory (MiB), last result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20, result


#: A navis-style SWC (type 0 on 3,248 lines), for `check`'s grouped report.
NAVIS = Path(__file__).resolve().parents[1] / "tests" / "data" / "navis" / "navis_style.swc"


def _ungrouped(report):
    """The previous version's report: one text line per problem (the baseline)."""
    return 1 + len(report.problems) + len(report.skipped)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=bundled_path("L5pyr"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", MorphologyWarning)
    out = Path(tempfile.mkdtemp()) / "view.html"

    cell = load(args.file)
    steps = [
        ("load (pre-parse + MorphIO)", lambda: load(args.file), lambda r: "-"),
        ("check (every problem)", lambda: check(args.file),
         lambda r: f"{len(r.problems)} problem(s)"),
        ("discretise d_lambda=0.1 @100 Hz", lambda: discretise(cell),
         lambda r: f"{r.n} compartments"),
        ("discretise max_length=20 um", lambda: discretise(cell, "max_length"),
         lambda r: f"{r.n} compartments"),
        ("discretise full resolution", lambda: discretise(cell, "full"),
         lambda r: f"{r.n} compartments"),
        ("load + check + discretise", lambda: discretise(load(args.file)) if check(
            args.file).ok else None, lambda r: f"{r.n} compartments"),
        ("HTML view (plot + save)", lambda: save_html(plot_morphology(cell), out),
         lambda r: f"{r.stat().st_size / 2**20:.1f} MiB file"),
        ("brian2 Morphology.from_swc_file", lambda: Morphology.from_swc_file(str(args.file)),
         lambda r: f"{r.total_compartments} compartments"),
        (f"check + report text, {NAVIS.name}", lambda: str(check(NAVIS)),
         lambda r: f"{len(r.splitlines())} lines of text"),
        ("  (that file's report, one line per problem)", lambda: _ungrouped(check(NAVIS)),
         lambda r: f"{r} lines of text"),
    ]
    rows = []
    for name, func, describe in steps:
        seconds, peak, result = _measure(func, args.repeat)
        rows.append((name, f"{seconds * 1e3:.1f}", f"{peak:.1f}", describe(result)))

    print(f"file: {args.file.name} ({len(cell.points)} points, {len(cell.section_types)} "
          f"sections); python {sys.version.split()[0]}; median of {args.repeat} runs")
    header = ("step", "time (ms)", "peak mem (MiB)", "result")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    for i, row in enumerate([header] + rows):
        print("  ".join(v.ljust(w) if j in (0, 3) else v.rjust(w)
                        for j, (v, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
