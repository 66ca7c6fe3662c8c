"""Subcommands ``check``, ``info`` and ``view`` of the ``nnd`` command.

``dendrites/cli.py`` calls :func:`register` on its subparsers; ``python -m
morphologies`` runs the same subcommands alone (:func:`main`).  Each handler
returns the exit code: 0 on success, 1 for a broken or unreadable file.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from .errors import MorphologyError

__all__ = ["register", "main"]

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
        "Exit status 1 if the file has errors.")
    p.add_argument("file", help="SWC, ASC or H5 file")
    p.set_defaults(func=check_command)

    p = subparsers.add_parser(
        "info", help="morphometry summary of a morphology file",
        description="Print a morphometry table (NeuroM) per neurite type.")
    p.add_argument("file", help="SWC, ASC or H5 file")
    p.add_argument("--remove-axon", action="store_true", help="drop the axon first")
    p.add_argument("--sholl-step", type=float, default=10.0,
                   help="spacing of the Sholl spheres, um (default 10)")
    p.set_defaults(func=info_command)

    p = subparsers.add_parser(
        "view", help="interactive 3D view of a morphology (self-contained HTML)",
        description="Write an interactive 3D view of a morphology as one HTML file that "
        "works offline.")
    p.add_argument("file", help="SWC, ASC or H5 file")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--color-by", choices=COLOR_CHOICES, default="type",
                   help="colouring (default: type)")
    p.add_argument("--style", choices=("lines", "tubes"), default="lines",
                   help="lines (widths binned by diameter) or tubes (true diameters)")
    p.add_argument("--remove-axon", action="store_true", help="drop the axon first")
    p.set_defaults(func=view_command)


def _load(args):
    from .loading import load

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cell = load(args.file, remove_axon=getattr(args, "remove_axon", False))
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    return cell


def _fail(exc):
    print(f"error: {exc}", file=sys.stderr)
    for note in getattr(exc, "__notes__", []):
        print(f"       {note}", file=sys.stderr)
    return 1


def check_command(args):
    """``check FILE``: print every problem; exit 1 if the file has errors."""
    from .loading import check

    try:
        report = check(args.file)
    except MorphologyError as exc:
        return _fail(exc)
    print(report)
    return 0 if report.ok else 1


def info_command(args):
    """``info FILE``: print the morphometry table."""
    from .morphometry import format_morphometrics, morphometrics

    try:
        cell = _load(args)
        metrics = morphometrics(cell, sholl_step=args.sholl_step)
    except MorphologyError as exc:
        return _fail(exc)
    print(format_morphometrics(metrics, title=f"{cell!r}\nsoma: {cell.soma.kind}, area "
                                              f"{cell.soma.area:.1f} um2"))
    return 0


def view_command(args):
    """``view FILE -o out.html``: write the 3D view."""
    from .view import plot_morphology, save_html

    try:
        cell = _load(args)
    except MorphologyError as exc:
        return _fail(exc)
    figure = plot_morphology(cell, color_by=args.color_by, style=args.style)
    try:
        path = save_html(figure, args.output)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def main(argv=None):
    """Run one subcommand (``python -m morphologies``); return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m morphologies",
                                     description="Check, measure and view neuron morphologies.")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)
