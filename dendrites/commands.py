"""``nnd`` subcommands of the ``dendrites`` package: ``nnd passive``."""

from __future__ import annotations

import json
import sys

__all__ = ["register"]


def register(subparsers):
    """Add ``nnd passive`` to the ``nnd`` parser's subparsers."""
    p = subparsers.add_parser(
        "passive", help="passive properties of a reconstruction (input resistance, tau, lengths)",
        description="Print the passive properties of a reconstruction (soma input resistance, "
                    "membrane time constant, compartments, electrotonic length of each neurite) "
                    "and optionally write them as JSON and a 3D view coloured by the steady-state "
                    "attenuation of a somatic current.")
    p.add_argument("file", metavar="FILE", help="SWC/ASC/H5 file or bundled name (e.g. L5pyr)")
    p.add_argument("--Ri", type=float, default=150.0, help="axial resistivity, ohm cm (150)")
    p.add_argument("--Cm", type=float, default=1.0, help="specific capacitance, uF/cm2 (1)")
    p.add_argument("--Rm", type=float, default=20000.0, help="membrane resistance, ohm cm2 (20000)")
    p.add_argument("--d-lambda", type=float, default=0.1, dest="d_lambda",
                   help="d_lambda discretisation fraction (0.1)")
    p.add_argument("--json", metavar="OUT.json", default=None, help="write the numbers as JSON")
    p.add_argument("-o", "--output", metavar="VIEW.html", default=None,
                   help="write a 3D view coloured by the attenuation from the soma")
    p.set_defaults(func=_passive)


def _fail(message):
    print(f"nnd passive: error: {message}", file=sys.stderr)
    return 2


def _passive(args):
    from morphologies.errors import MorphologyError

    from .errors import DendriteError
    from .model import CellModel
    from .properties import passive_properties

    for name in ("Ri", "Cm", "Rm", "d_lambda"):
        value = getattr(args, name)
        if not value > 0 or value != value or value == float("inf"):
            return _fail(f"--{name.replace('_', '-')}={value} must be a positive number.")
    try:
        import morphologies

        disc = morphologies.discretise(_load(args.file), "d_lambda", d_lambda=args.d_lambda,
                                       Ri=args.Ri, Cm=args.Cm)
        model = CellModel(disc, Ri=args.Ri, Cm=args.Cm, Rm=args.Rm)
        props = passive_properties(model)
    except (DendriteError, MorphologyError, OSError, ValueError) as err:
        return _fail(str(err).splitlines()[0] if str(err) else type(err).__name__)
    print(f"{disc.cell.name}: {props['n_compartments']} compartments (d_lambda {args.d_lambda})")
    print(f"  input resistance at the soma: {props['input_resistance_MOhm']:.2f} MOhm")
    print(f"  membrane time constant: {props['tau_m_ms']:.3f} ms "
          f"(first equalising {props['tau_1_ms']:.3f} ms)")
    print("  electrotonic length of each neurite (DC):")
    for key, value in props["electrotonic_length"].items():
        print(f"    {key}: {value:.3f}")
    if args.json:
        out = {k: v for k, v in props.items() if k != "attenuation"}
        out.update(Ri_ohm_cm=args.Ri, Cm_uF_cm2=args.Cm, Rm_ohm_cm2=args.Rm,
                   d_lambda=args.d_lambda, cell=disc.cell.name)
        try:
            with open(args.json, "w") as f:
                json.dump(out, f, indent=2)
        except OSError as err:
            return _fail(f"cannot write {args.json}: {err.strerror}")
    if args.output:
        from morphologies.view import plot_morphology, save_html

        fig = plot_morphology(disc, props["attenuation"], color_label="V / V_soma (DC)",
                              cmin=float(props["attenuation"].min()), cmax=1.0)
        try:
            save_html(fig, args.output)
        except OSError as err:
            return _fail(f"cannot write {args.output}: {err.strerror}")
        print(f"  view: {args.output}")
    return 0


def _load(name):
    from pathlib import Path

    import morphologies

    if name in morphologies.list_bundled() or (not Path(name).exists() and not Path(name).suffix):
        return morphologies.load_bundled(name)
    return morphologies.load(name)
