"""The toolkit's console command, ``nnd``.

``dendrites`` is the top of the dependency stack, so the one command that reaches
every building block lives here.  Each package contributes its own subcommands
through a ``register(subparsers)`` function in its ``cli`` module.

Subcommands::

    nnd rs-fs [-o DIR] [--target runtime|cpp_standalone]   the RS-FS network example
    nnd check FILE                                          every problem of a morphology
    nnd info FILE                                           morphometry summary
    nnd view FILE -o out.html [--color-by distance]         interactive 3D view
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("neural-network-dynamics")
    except PackageNotFoundError:
        return "0+unknown"


def _rs_fs(args):
    from network import NetworkError
    from network.examples import run_rs_fs

    overrides = {"tstop": args.tstop} if args.tstop is not None else None
    try:
        run_rs_fs(args.output, Model=overrides, code_target=args.target, figure=not args.no_figure,
                  verbose=not args.quiet, threads=args.threads)
    except NetworkError as err:
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
    p.add_argument("--target", default="runtime", choices=["runtime", "cython", "numpy", "cpp_standalone"],
                   help="brian2 code-generation target (default: runtime)")
    p.add_argument("--threads", type=int, default=1, help="OpenMP threads (cpp_standalone only; default 1)")
    p.add_argument("--tstop", type=float, default=None, help="duration in ms (default 1500)")
    p.add_argument("--no-figure", action="store_true", help="skip the PNG figure")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_rs_fs)
    from morphologies import cli as morphologies_cli

    morphologies_cli.register(sub)
    from dendrites import commands as dendrites_commands; dendrites_commands.register(sub)  # H5: nnd passive
    from dendrites import experiment_commands; experiment_commands.register(sub)  # H9: epsp-map, sequence, clustering
    return parser


def main(argv=None):
    """Entry point of ``nnd``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
