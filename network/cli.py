"""``nnd run`` and ``nnd sweep``: the network package's subcommands.

``dendrites.cli.build_parser`` calls :func:`register` with its subparsers.  Errors
are one line ``nnd <cmd>: error: ...`` on stderr, never a traceback; the exit code
is 2 for bad arguments or input, 1 for a sweep with failed points, 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["register", "run_command", "sweep_command"]

_RUN_EPILOG = """\
The model file holds the seed's flat Model keys (ms, mV, pF, nS, pA, Hz) and the
option sections populations, afferent, connections, drive, recording, analysis;
'extends: rs-fs' (or rs-fs-small) starts from the bundled RS-FS network.

examples:
  nnd run model.yaml -o out/            # out/model.h5 and out/model.png
  nnd run model.json --no-figure -q

  # model.yaml
  extends: rs-fs-small
  tstop: 1000.
  Exc_b: 20.
  drive: {afferent: AffExc, targets: [Exc, Inh], rate: 6., seed: 32}
  recording: {raster: true, Vm: 3}
"""

_SWEEP_EPILOG = """\
The sweep file names a network (model:) or a point function (function:), the
parameters over a grid:, points: or random:, and the store. Running it again
resumes: finished points are skipped, failed ones are kept and reported
(--retry-failed runs them again). Exit code 0 when every point is done, 1 if some
failed, 2 on bad input, 130 when interrupted.

examples:
  nnd sweep scan.yaml --workers 2              # LocalCluster of 2 worker processes
  nnd sweep scan.yaml --scheduler tcp://login1:8786 -o /scratch/scan.h5
  nnd sweep --status scan.h5                   # how far it got

  # scan.yaml
  model: rs-fs-small
  fixed: {tstop: 300.}
  grid:
    drive.rate: [2., 4., 6.]
    Exc_b: [0., 20., 40.]
"""


def _fail(cmd, message, code=2):
    print(f"nnd {cmd}: error: {message}", file=sys.stderr)
    return code


def _errors():
    from stimuli.errors import StimulusError

    from .errors import NetworkError

    return (NetworkError, StimulusError)


def run_command(args):
    """``nnd run MODEL [-o DIR]``: run a network from a model file; write its HDF5 and figure."""
    from .run import code_target, set_code_target
    from .sweeps.simulation import network_description, read_model_file, run_network, summary_outputs

    previous = code_target()
    try:
        desc = network_description(read_model_file(args.model))
        set_code_target(args.target)
        try:
            name = os.path.splitext(os.path.basename(args.model))[0]
            data = run_network(desc, output_dir=args.output, figure=not args.no_figure, verbose=not args.quiet,
                               name=name)
        finally:  # main() called in a process (a script, a test): leave its target as it was
            set_code_target(previous)
        if not args.quiet:
            for key, value in summary_outputs(desc, data).items():
                print(f"[network] {key}: {value:.3g}")
            for path in data["files"].values():
                print(f"[network] wrote {path}")
    except (*_errors(), OSError) as err:  # OSError: an output folder or file that cannot be written
        return _fail("run", err)
    except KeyboardInterrupt:
        return _fail("run", "interrupted", 130)
    return 0


def _print_status(status):
    print(f"store:    {status['store']}")
    print(f"function: {status['function']}")
    print(f"points:   {status['done']} done, {status['failed']} failed, {status['missing']} missing "
          f"of {status['total']} ({status['run_time']:.1f} s of computing)")
    for index, params, error in status["failures"]:
        print(f"  failed #{index} {params}: {error}")


def sweep_command(args):
    """``nnd sweep SPEC`` (run or resume) or ``nnd sweep --status STORE``."""
    try:
        from .sweeps import sweep_status
        from .sweeps.spec import read_sweep_spec
    except ImportError as exc:
        return _fail("sweep", f"{exc}: sweeps need dask, distributed, pyyaml, tqdm and pandas "
                              f"(pip install 'dask[distributed]' pyyaml tqdm pandas)")

    if (args.spec is None) == (args.status is None):
        return _fail("sweep", "give a sweep file SPEC.yaml, or --status STORE.h5 (not both).")
    try:
        if args.status is not None:
            if args.scheduler or args.workers or args.output or args.retry_failed:
                return _fail("sweep", "--status only reads the store: drop --scheduler/--workers/-o/--retry-failed.")
            _print_status(sweep_status(args.status))
            return 0
        spec = read_sweep_spec(args.spec)
        result = spec.run(progress=not args.quiet, store=args.output, workers=args.workers,
                          scheduler=args.scheduler, retry_failed=args.retry_failed)
    except (*_errors(), OSError) as err:
        return _fail("sweep", err)
    except KeyboardInterrupt:
        return _fail("sweep", "interrupted; the finished points are in the store, run the same command "
                              "again to resume", 130)
    if not args.quiet:
        _print_status(sweep_status(result.store))
    return 1 if result.counts["failed"] else 0


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} workers: give at least 1")
    return value


def register(subparsers):
    """Add ``run`` and ``sweep`` to ``nnd``'s subparsers."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser("run", help="run a network from a model file (JSON/YAML): HDF5 data + figure",
                              description="Run a network described in a JSON or YAML model file and write "
                                          "its recordings (HDF5) and activity figure (PNG).",
                              epilog=_RUN_EPILOG, formatter_class=fmt)
    p.add_argument("model", metavar="MODEL", help="model file (.json, .yaml or .yml)")
    p.add_argument("-o", "--output", default="output", help="output folder (default: output)")
    p.add_argument("--target", default="runtime", choices=["runtime", "cython", "numpy"],
                   help="brian2 code-generation target (default: runtime)")
    p.add_argument("--no-figure", action="store_true", help="skip the PNG figure")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run_command)
    s = subparsers.add_parser("sweep", help="run or resume a parameter sweep on dask (or show its status)",
                              description="Run a parameter sweep described in a YAML/JSON file on "
                                          "dask.distributed, recording every point in one HDF5 store; "
                                          "resumes when run again.",
                              epilog=_SWEEP_EPILOG, formatter_class=fmt)
    s.add_argument("spec", nargs="?", metavar="SPEC", help="sweep file (.yaml, .yml or .json)")
    s.add_argument("--status", metavar="STORE", help="report how far the sweep of STORE.h5 got, run nothing")
    s.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address, or 'serial' to run in this process (default: a LocalCluster)")
    s.add_argument("--workers", type=_positive_int, metavar="N",
                   help="LocalCluster worker processes (default: the file's, else the machine's cores)")
    s.add_argument("-o", "--output", metavar="STORE", help="the HDF5 store (default: the file's store:, relative to the file)")
    s.add_argument("--retry-failed", action="store_true", help="run again the points recorded as failed")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar nor summary")
    s.set_defaults(func=sweep_command)
