"""The toolkit's console command, ``nnd``.

``dendrites`` is the top of the dependency stack, so the one command that reaches
every building block lives here.  Each package contributes its own subcommands
through a ``register(subparsers)`` function in its ``cli`` module.

Subcommands::

    nnd rs-fs [-o DIR] [--target cpp_standalone|runtime]   the RS-FS network example
    nnd check FILE                                          every problem of a morphology
    nnd info FILE                                           morphometry summary
    nnd view FILE -o out.html [--color-by distance]         interactive 3D view

FILE is a morphology file or the name of a bundled cell (``nnd check L5pyr``).
Exit status: 0 success; 1 ``check`` found errors in the file; 2 bad arguments or
bad input (one line ``nnd <cmd>: error: <message>``, never a traceback).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]


def _version():
    """The installed distribution's version, else the source tree's pyproject.toml's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("neural-network-dynamics")
    except PackageNotFoundError:
        pass
    import tomllib
    from pathlib import Path

    try:  # run from a clone without installing it
        with open(Path(__file__).resolve().parents[1] / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


def _rs_fs(args):
    from network import NetworkError
    from network.examples import run_rs_fs
    from network.run import compiler_available

    if args.tstop is not None and not 0 < args.tstop < float("inf"):
        print(f"nnd rs-fs: error: --tstop {args.tstop:g}: tstop must be > 0 (a finite duration in ms, "
              f"e.g. --tstop 1500).", file=sys.stderr)
        return 2
    overrides = {"tstop": args.tstop} if args.tstop is not None else None
    target = args.target
    if target is None:
        # a C++ program compiles from cold in a fraction of the runtime target's Cython
        # modules, and its build folder (in the user cache) is reused by every run
        target = "cpp_standalone" if compiler_available() else "runtime"
        if target == "runtime" and not args.quiet:
            print("[network] no C++ compiler found: running with brian2's runtime target (numpy, slower)")
    try:
        run_rs_fs(args.output, Model=overrides, code_target=target, figure=not args.no_figure,
                  verbose=not args.quiet, threads=args.threads, build_directory=args.build_dir)
    except (NetworkError, OSError) as err:  # bad input or an unwritable output: one line, no traceback
        print(f"nnd rs-fs: error: {err}", file=sys.stderr)
        return 2
    return 0


def build_parser():
    """The ``argparse`` parser of ``nnd`` with every package's subcommands."""
    parser = argparse.ArgumentParser(
        prog="nnd",
        description="Dendritic integration and AdExp network dynamics on brian2.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("rs-fs", help="run the RS-FS network example (HDF5 data + PNG figure)")
    p.add_argument("-o", "--output", default="output", help="output folder (default: output)")
    p.add_argument("--target", default=None, choices=["runtime", "cython", "numpy", "cpp_standalone"],
                   help="brian2 code-generation target (default: cpp_standalone, built in the user cache "
                        "~/.cache/neural-network-dynamics and reused; runtime if no C++ compiler)")
    p.add_argument("--build-dir", default=None,
                   help="cpp_standalone build folder (default: in ~/.cache/neural-network-dynamics)")
    p.add_argument("--threads", type=int, default=1, help="OpenMP threads (cpp_standalone only; default 1)")
    p.add_argument("--tstop", type=float, default=None, help="duration in ms (default 1500)")
    p.add_argument("--no-figure", action="store_true", help="skip the PNG figure")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_rs_fs)
    from morphologies import cli as morphologies_cli

    morphologies_cli.register(sub)
    from network import cli as network_cli

    network_cli.register(sub)  # nnd run, nnd sweep
    from network.theory import cli as theory_cli

    theory_cli.register(sub)  # nnd mean-field, nnd transfer-function
    from . import commands as dendrites_commands

    dendrites_commands.register(sub)  # nnd passive
    from . import experiment_commands

    experiment_commands.register(sub)  # nnd epsp-map, nnd sequence, nnd clustering
    return parser


def main(argv=None):
    """Entry point of ``nnd``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    # Bad input never ends in a traceback: a toolkit error (any of the four packages) or an
    # OSError is printed as one line `nnd <cmd>: error: <message>`, exit status 2.
    from morphologies.cli import run

    return run(args, prog="nnd")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
