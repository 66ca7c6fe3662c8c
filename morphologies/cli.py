"""Subcommands ``check``, ``info`` and ``view`` of the ``nnd`` command.

``dendrites/cli.py`` calls :func:`register` on its subparsers; ``python -m
morphologies`` runs the same subcommands alone (:func:`main`).  Each handler
returns the exit code: 0 on success, 1 when ``check`` finds errors in the file;
every bad input (a missing file, a file that cannot be read, a bad option value)
raises a toolkit error, which :func:`run` (and ``nnd``) print as one line
``<prog> <command>: error: <message>`` with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .errors import error_line, is_toolkit_error

__all__ = ["register", "run", "main"]

COLOR_CHOICES = ("type", "distance", "branch_order", "diameter")


def register(subparsers):
    """Add the ``check``, ``info`` and ``view`` subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``parser.add_subparsers()``.  Each subparser sets
        ``func=handler``, with ``handler(args) -> int`` the exit code.
    """
    p = subparsers.add_parser(
        "check", help="list every problem of a morphology file",
        description="List every problem of an SWC, ASC or H5 morphology file: errors (the "
        "file cannot be used) and warnings (repairable oddities, NeuroM geometry checks). "
        "Repeated identical problems are listed once, with their count and first lines. "
        "Exit status 1 if the file has errors, 2 if it cannot be read.")
    p.add_argument("file", help="SWC, ASC or H5 file, or a bundled cell name (e.g. L5pyr)")
    p.set_defaults(func=check_command)

    p = subparsers.add_parser(
        "info", help="morphometry summary of a morphology file",
        description="Print a morphometry table (NeuroM) per neurite type.")
    p.add_argument("file", help="SWC, ASC or H5 file, or a bundled cell name (e.g. L5pyr)")
    p.add_argument("--remove-axon", action="store_true", help="drop the axon first")
    p.add_argument("--sholl-step", type=float, default=10.0,
                   help="spacing of the Sholl spheres, um, > 0 (default 10)")
    p.set_defaults(func=info_command)

    p = subparsers.add_parser(
        "view", help="interactive 3D view of a morphology (self-contained HTML)",
        description="Write an interactive 3D view of a morphology as one HTML file that "
        "works offline.")
    p.add_argument("file", help="SWC, ASC or H5 file, or a bundled cell name (e.g. L5pyr)")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--color-by", choices=COLOR_CHOICES, default="type",
                   help="colouring (default: type)")
    p.add_argument("--style", choices=("lines", "tubes"), default="lines",
                   help="lines (widths binned by diameter) or tubes (true diameters)")
    p.add_argument("--remove-axon", action="store_true", help="drop the axon first")
    p.set_defaults(func=view_command)


def _load(args, command):
    from .loading import load

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cell = load(args.file, remove_axon=getattr(args, "remove_axon", False))
    for w in caught:
        print(f"{getattr(args, 'prog', 'nnd')} {command}: warning: {w.message}", file=sys.stderr)
    return cell


def check_command(args):
    """``check FILE``: print every problem; exit 1 if the file has errors.

    Raises
    ------
    morphologies.errors.MorphologyError
        If the file does not exist or is not a morphology file (reported by
        :func:`run` with exit status 2).
    """
    from .loading import check

    report = check(args.file)
    print(report)
    return 0 if report.ok else 1


def info_command(args):
    """``info FILE``: print the morphometry table."""
    from .morphometry import format_morphometrics, morphometrics
    from .units import to_positive

    to_positive(args.sholl_step, "um", "--sholl-step")  # before reading a large file
    cell = _load(args, "info")
    metrics = morphometrics(cell, sholl_step=args.sholl_step)
    print(format_morphometrics(metrics, title=f"{cell!r}\nsoma: {cell.soma.kind}, area "
                                              f"{cell.soma.area:.1f} um2"))
    return 0


def view_command(args):
    """``view FILE -o out.html``: write the 3D view."""
    from .view import plot_morphology, save_html

    cell = _load(args, "view")
    figure = plot_morphology(cell, color_by=args.color_by, style=args.style)
    path = save_html(figure, args.output)
    print(f"wrote {path}")
    return 0


def run(args, prog="nnd"):
    """Run the handler of a parsed subcommand; report a bad input on one line.

    Parameters
    ----------
    args : argparse.Namespace
        From a parser with :func:`register`'s subcommands (``args.func``,
        ``args.command``).
    prog : str, optional
        Program name used in messages.

    Returns
    -------
    int
        The handler's exit status (0, or 1 when ``check`` finds errors), or 2
        after printing ``<prog> <command>: error: <message>`` for a toolkit error
        (any of the four packages) or an :class:`OSError`.  Other exceptions
        propagate (they are bugs).
    """
    args.prog = prog
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        if not (isinstance(exc, OSError) or is_toolkit_error(type(exc))):
            raise
        print(f"{prog} {args.command}: error: {error_line(exc)}", file=sys.stderr)
        return 2


def main(argv=None):
    """Run one subcommand (``python -m morphologies``); return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m morphologies",
                                     description="Check, measure and view neuron morphologies.")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return run(args, prog="python -m morphologies")
