"""``nnd`` subcommands of the location experiments: ``nnd epsp-map``, ``nnd sequence``, ``nnd clustering``.

Every command takes a morphology file or a bundled name (``nnd sequence`` and
``nnd clustering`` default to the bundled layer 2/3 pyramidal cell ``L23pyr``),
a passive membrane (``--Ri`` ohm cm, ``--Cm`` uF/cm2, ``--Rm`` ohm cm2), writes
its table as CSV (``--csv``) and optionally its figure (``-o``).  Bad
arguments or inputs print one ``nnd <cmd>: error: ...`` line and exit with 2.
"""

from __future__ import annotations

import sys

__all__ = ["register"]


def _membrane(p):
    p.add_argument("--Ri", type=float, default=150.0, help="axial resistivity, ohm cm (150)")
    p.add_argument("--Cm", type=float, default=1.0, help="specific capacitance, uF/cm2 (1)")
    p.add_argument("--Rm", type=float, default=20000.0,
                   help="membrane resistance, ohm cm2 (20000)")
    p.add_argument("--EL", type=float, default=-70.0, help="leak reversal, mV (-70)")
    p.add_argument("--target", default=None, choices=["runtime", "cython", "numpy"],
                   help="brian2 code-generation target (default: brian2's)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes for direct simulation (1; identical results)")


def register(subparsers):
    """Add ``epsp-map``, ``sequence`` and ``clustering`` to the ``nnd`` parser's subparsers."""
    p = subparsers.add_parser(
        "epsp-map", help="EPSP of one synapse at every site (local, somatic, attenuation)",
        description="One synapse activated alone at each site: local and somatic EPSP peak, "
                    "attenuation, latency, rise time and half-width against location. Passive "
                    "cells use the reciprocity kernel (one somatic injection for all sites).")
    p.add_argument("file", metavar="FILE", help="SWC/ASC/H5 file or bundled name (e.g. L5pyr)")
    p.add_argument("--synapse", default="current", choices=["current", "ampa", "ampa+nmda"],
                   help="synapse type (current)")
    p.add_argument("--weight", type=float, default=0.5, help="peak AMPA conductance, nS (0.5)")
    p.add_argument("--nmda-ratio", type=float, default=1.0, dest="nmda_ratio",
                   help="NMDA/AMPA peak conductance for ampa+nmda (1)")
    p.add_argument("--sites", default="all", help="'all' compartments or a number N of random "
                                                  "sites (all)")
    p.add_argument("--duration", type=float, default=50.0, help="window per site, ms (50)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random sites (0)")
    _membrane(p)
    p.add_argument("--csv", metavar="OUT.csv", required=True, help="table, one row per site")
    p.add_argument("-o", "--output", metavar="VIEW.html", default=None,
                   help="3D view coloured by the somatic EPSP")
    p.add_argument("--h5", metavar="OUT.h5", default=None, help="save the map as HDF5")
    p.set_defaults(func=_epsp_map)

    p = subparsers.add_parser(
        "sequence", help="sequence direction (Branco et al. 2010): IN versus OUT",
        description="Synapses activated in order towards (IN) or away from (OUT) the soma at "
                    "each interval, with and without NMDA; by default the Branco et al. (2010) "
                    "protocol: nine AMPA+NMDA synapses over 100 um of a thin basal dendrite.")
    p.add_argument("file", metavar="FILE", nargs="?", default="L23pyr",
                   help="file or bundled name (default L23pyr)")
    p.add_argument("--n", type=int, default=9, help="number of synapses (9)")
    p.add_argument("--length", type=float, default=100.0, help="dendrite length holding them, "
                                                                "um (100)")
    p.add_argument("--intervals", default="0,1,2,3,4,5,6,7,8",
                   help="comma-separated intervals, ms (0,...,8)")
    # defaults = dendrites.experiments.sequence.BRANCO_WEIGHT, BRANCO_NMDA_RATIO (not imported
    # here, to keep `nnd --help` light; tests/test_experiments_sequence.py checks they agree)
    p.add_argument("--weight", type=float, default=0.5,
                   help="peak AMPA conductance per synapse, nS (0.5)")
    p.add_argument("--nmda-ratio", type=float, default=4.0, dest="nmda_ratio",
                   help="NMDA/AMPA peak conductance (4)")
    p.add_argument("--nmda", default="both", choices=["both", "on", "off"],
                   help="NMDA conditions (both)")
    p.add_argument("--where", default="basal", help="region of the branch (basal)")
    p.add_argument("--seed", type=int, default=0)
    _membrane(p)
    p.add_argument("--csv", metavar="OUT.csv", required=True, help="table of somatic peaks")
    p.add_argument("-o", "--output", metavar="FIG.png", default=None, help="the figure")
    p.set_defaults(func=_sequence)

    p = subparsers.add_parser(
        "clustering", help="clustered versus distributed summation (Polsky et al. 2004)",
        description="k = 1..n synapses co-activated clustered on one thin branch or distributed "
                    "over k branches: observed somatic peak against the arithmetic sum of the "
                    "single responses, with and without NMDA.")
    p.add_argument("file", metavar="FILE", nargs="?", default="L23pyr",
                   help="file or bundled name (default L23pyr)")
    p.add_argument("--n", type=int, default=20, help="largest k (20)")
    p.add_argument("--length", type=float, default=30.0, help="cluster length, um (30)")
    p.add_argument("--weight", type=float, default=0.4, help="peak AMPA conductance, nS (0.4)")
    p.add_argument("--nmda-ratio", type=float, default=2.0, dest="nmda_ratio",
                   help="NMDA/AMPA peak conductance (2)")
    p.add_argument("--nmda", default="both", choices=["both", "on", "off"])
    p.add_argument("--where", default="basal", help="region (basal)")
    p.add_argument("--duration", type=float, default=60.0, help="window per run, ms (60)")
    p.add_argument("--seed", type=int, default=0)
    _membrane(p)
    p.add_argument("--csv", metavar="OUT.csv", required=True, help="table observed/expected")
    p.add_argument("-o", "--output", metavar="FIG.png", default=None, help="the figure")
    p.set_defaults(func=_clustering)


def _fail(command, message):
    print(f"nnd {command}: error: {message}", file=sys.stderr)
    return 2


def _checked_membrane(args):
    for name in ("Ri", "Cm", "Rm"):
        value = getattr(args, name)
        if not value > 0 or value == float("inf"):
            return f"--{name}={value} must be a positive number."
    return None


def _model(args):
    from .model import CellModel

    return CellModel(args.file, Ri=args.Ri, Cm=args.Cm, Rm=args.Rm, EL=args.EL)


def _errors():
    from morphologies.errors import MorphologyError

    from .errors import DendriteError

    return (DendriteError, MorphologyError, OSError, ValueError, KeyError)


def _first_line(err):
    text = str(err).strip("'\"")
    return text.splitlines()[0] if text else type(err).__name__


def _write_csv(frame, path):
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "true", False: "false"})
    out.to_csv(path, index=False)


def _run(command, args, work):
    import warnings

    problem = _checked_membrane(args)
    if problem:
        return _fail(command, problem)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return work()
    except _errors() as err:
        return _fail(command, _first_line(err))


def _epsp_map(args):
    def work():
        from .experiments.epsp_map import epsp_map

        if args.sites == "all":
            sites = "all"
        else:
            try:
                sites = int(args.sites)
            except ValueError:
                return _fail("epsp-map", f"--sites={args.sites!r} must be 'all' or a number of "
                                         "sites.")
        model = _model(args)
        em = epsp_map(model, sites, synapse=args.synapse, weight=args.weight,
                      nmda_ratio=args.nmda_ratio, duration=args.duration, seed=args.seed,
                      target=args.target, progress=sys.stderr.isatty(), workers=args.workers)
        _write_csv(em.frame, args.csv)
        f = em.frame
        print(f"{len(f)} sites ({em.parameters['method']} method): somatic EPSP "
              f"{f.soma_peak_mV.min():.4g}..{f.soma_peak_mV.max():.4g} mV, local "
              f"{f.local_peak_mV.min():.4g}..{f.local_peak_mV.max():.4g} mV -> {args.csv}")
        if args.output:
            from morphologies.view import save_html

            save_html(em.view("soma_peak_mV"), args.output)
            print(f"  view: {args.output}")
        if args.h5:
            em.save(args.h5)
        return 0

    return _run("epsp-map", args, work)


def _conditions(value):
    return {"both": (True, False), "on": (True,), "off": (False,)}[value]


def _sequence(args):
    def work():
        from .experiments.sequence import branco_dendrite, sequence_experiment

        try:
            intervals = [float(x) for x in args.intervals.split(",") if x.strip()]
        except ValueError:
            return _fail("sequence", f"--intervals={args.intervals!r} must be comma-separated "
                                     "numbers of ms.")
        model = _model(args)
        sites = branco_dendrite(model, args.n, args.length, where=args.where, seed=args.seed)
        res = sequence_experiment(model, sites, intervals=intervals, nmda=_conditions(args.nmda),
                                  weight=args.weight, nmda_ratio=args.nmda_ratio,
                                  target=args.target, progress=sys.stderr.isatty(), workers=args.workers)
        _write_csv(res.frame, args.csv)
        ratio = res.ratio()
        for nmda, part in ratio.groupby("nmda"):
            print(f"{'AMPA+NMDA' if nmda else 'AMPA'}: IN/OUT "
                  + ", ".join(f"{r.interval_ms:g} ms {r.ratio:.3f}" for r in part.itertuples()))
        print(f"-> {args.csv}")
        if args.output:
            res.plot().savefig(args.output, dpi=120)
            print(f"  figure: {args.output}")
        return 0

    return _run("sequence", args, work)


def _clustering(args):
    def work():
        from .experiments.clustering import clustering_experiment

        model = _model(args)
        res = clustering_experiment(model, args.n, length=args.length, where=args.where,
                                    nmda=_conditions(args.nmda), weight=args.weight,
                                    nmda_ratio=args.nmda_ratio, duration=args.duration,
                                    seed=args.seed, target=args.target,
                                    progress=sys.stderr.isatty(), workers=args.workers)
        _write_csv(res.frame, args.csv)
        for r in res.summary().itertuples():
            print(f"{r.arrangement} {'AMPA+NMDA' if r.nmda else 'AMPA'}: k* = {r.k_star}, "
                  f"max gain {r.max_gain:.3f}, min gain {r.min_gain:.3f}")
        print(f"-> {args.csv}")
        if args.output:
            res.plot().savefig(args.output, dpi=120)
            print(f"  figure: {args.output}")
        return 0

    return _run("clustering", args, work)
