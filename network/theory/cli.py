"""``nnd mean-field`` and ``nnd transfer-function``: registered by :func:`register`.

::

    nnd mean-field MODEL.json [--coefficients FILE|published|toolkit] [--drive 2,4,6,8]
                              [--order 1|2] [--T 5] [--json OUT.json]
    nnd transfer-function MODEL.json --pop Exc [--grid Exc=0.1:40:20] [--grid Inh=0.1:80:20]
                              [--seeds 4] [--t-measure 2000] [--out tf.h5] [--coefficients-out fit.json]

MODEL.json holds the seed's flat Model dict; keys containing a space are comments
(the original project's convention) and the original characterisation keys
(``F_<pop>...``, ``NRN_KEY``, ``POP_STIM``, ``Fout_max``...) are ignored.
"""

from __future__ import annotations

import json
import sys

import numpy as np

__all__ = ["register", "load_model_file", "mean_field_main", "transfer_function_main"]

_IGNORED = ("NRN_KEY", "POP_STIM", "N_SEED", "filename", "RATES", "COEFFS", "Fout_max", "Vm_tzoom")


class _InputError(Exception):
    pass


def load_model_file(path):
    """The Model dict of a JSON file, without comment keys (containing a space) and original-project keys."""
    from ..errors import ModelValueError
    from ..model import validate_model

    try:
        with open(path) as fh:
            raw = json.load(fh)
    except OSError as err:
        raise _InputError(f"cannot read {path}: {err.strerror}") from None
    except ValueError as err:
        raise _InputError(f"{path} is not valid JSON: {err}") from None
    if not isinstance(raw, dict):
        raise ModelValueError(f"{path}: the JSON must be an object holding the flat Model dict.")
    Model = {k: v for k, v in raw.items()
             if " " not in k and k not in _IGNORED and not k.startswith(("F_", "COEFFS"))}
    validate_model(Model)
    return Model


def _floats(text, what):
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise _InputError(f"{what} = {text!r}: give comma-separated numbers, e.g. 2,4,6,8") from None
    if not values:
        raise _InputError(f"{what} = {text!r}: give at least one number")
    return values


def mean_field_main(args):
    """Run ``nnd mean-field``; returns the exit code."""
    from ..errors import NetworkError
    from .mean_field import MeanField, MeanFieldWarning
    import warnings

    prog = "nnd mean-field"
    try:
        Model = load_model_file(args.model)
        drives = _floats(args.drive, "--drive")
        if any(d < 0 for d in drives):
            raise _InputError(f"--drive {args.drive}: rates must be >= 0 Hz")
        mf = MeanField(Model, coefficients=args.coefficients, T=args.T, order=args.order)
        order = np.argsort(drives)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MeanFieldWarning)
            grid = [0.0] + [drives[i] for i in order]
            fps = dict(zip(range(-1, len(drives)), mf.continuation(grid)))
    except (NetworkError, _InputError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    records, failed = [], []
    print(f"mean field of {', '.join(mf.populations)} (order {args.order}, T = {mf.T:g} ms, coefficients "
          f"{args.coefficients}), drive on {', '.join(mf.afferents) or 'nothing'}")
    for k, i in enumerate(order):
        fp = fps[k]
        rec = {"drive_Hz": drives[i]}
        rec.update({p: fp.rates[p] for p in mf.populations})
        rec.update({f"W_{p}": fp.W[p] for p in mf.adapting})
        rec.update({"stable": fp.stable, "branch": fp.branch,
                    "max_real_eigenvalue_per_s": float(np.max(fp.eigenvalues.real))})
        if fp.covariances:
            rec.update({f"c_{a}_{b}": v for (a, b), v in fp.covariances.items()})
        if fp.note:
            rec["note"] = fp.note
        records.append(rec)
        rates = "  ".join(f"{p} {fp.rates[p]:8.3f} Hz" for p in mf.populations)
        W = "  ".join(f"W_{p} {fp.W[p]:7.1f} pA" for p in mf.adapting)
        status = ("stable" if fp.stable else "unstable") if fp.branch == "low" else f"NOT low branch: {fp.note}"
        if fp.branch == "low" and fp.note:
            status += f" ({fp.note})"
        print(f"drive {drives[i]:6.2f} Hz  {rates}  {W}  {status}")
        high = mf.spurious_state(drives[i], order=1)
        if high is not None and fp.branch == "low":
            rec["spurious_state_Hz"] = dict(high.rates)
            print(f"{'':18}the equations also have the spurious high-rate fixed point "
                  + ", ".join(f"{p} {v:.1f} Hz" for p, v in high.rates.items())
                  + f" ({'stable' if high.stable else 'unstable'}): an artefact of the fitted transfer function")
        if fp.branch != "low":
            failed.append(drives[i])
    if args.json:
        try:
            with open(args.json, "w") as fh:
                json.dump(records, fh, indent=1)
        except OSError as err:
            print(f"{prog}: error: cannot write {args.json}: {err.strerror}", file=sys.stderr)
            return 2
    if failed:
        print(f"{prog}: error: no low-rate fixed point at drive(s) {', '.join(f'{d:g}' for d in failed)} Hz "
              f"(see the note above)", file=sys.stderr)
        return 2
    return 0


def _grid_spec(text):
    name, _, rng = text.partition("=")
    parts = rng.split(":")
    try:
        if len(parts) == 3:
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
            return name, np.linspace(lo, hi, n)
        return name, np.array(_floats(rng, f"--grid {text}"))
    except ValueError:
        raise _InputError(f"--grid {text!r}: give NAME=low:high:n or NAME=v1,v2,...") from None


def transfer_function_main(args):
    """Run ``nnd transfer-function``; returns the exit code."""
    from .. import transfer_functions as tfs
    from ..errors import NetworkError
    from .fitting import check_fit_range, fit_coefficients
    from .shipped import GRID
    from .tf import save_coefficients, synaptic_inputs

    prog = "nnd transfer-function"
    try:
        check_fit_range(args.fout_max)  # before a characterisation of several seconds
        Model = load_model_file(args.model)
        inputs = [s.name for s in synaptic_inputs(Model, args.pop)]
        grid = {}
        for q in inputs:
            if f"{q}_Gl" in Model:
                grid[q] = GRID["Inh"] if "Inh" in q else GRID["Exc"]
            else:
                grid[q] = np.zeros(1)
        for spec in args.grid or []:
            name, values = _grid_spec(spec)
            grid[name] = values
        data = tfs.characterise(Model, args.pop, grid, n_seeds=args.seeds, t_measure=args.t_measure,
                                t_discard=args.t_discard, seed=args.seed, inputs=inputs, verbose=True)
        fit = fit_coefficients(data, Fout_max=args.fout_max)
        data["fit"] = fit.as_dict()
        if args.out:
            tfs.save(data, args.out)
        if args.coefficients_out:
            save_coefficients(args.coefficients_out, {args.pop: fit.coefficients}, model=args.model,
                              rms_error_Hz=fit.rms_error)
    except (NetworkError, _InputError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    print(f"{args.pop}: {int(fit.fitted.sum())} of {fit.fitted.size} points fitted, rms error {fit.rms_error:.3f} Hz, "
          f"median relative error {100 * fit.median_relative_error:.1f} %")
    print("coefficients (V): " + ", ".join(f"{x:.8f}" for x in fit.coefficients))
    return 0


def register(subparsers):
    """Add ``mean-field`` and ``transfer-function`` to the ``nnd`` subcommands."""
    p = subparsers.add_parser("mean-field", help="mean-field fixed points (low branch) per drive")
    p.add_argument("model", metavar="MODEL.json", help="the flat Model dict as JSON")
    p.add_argument("--coefficients", default="published",
                   help="'published' (di Volo 2019), 'toolkit[:RS-FS|:diVolo2019]' or a JSON file {pop: [10 numbers]}")
    p.add_argument("--drive", default="2,4,6,8", help="afferent rates in Hz (default 2,4,6,8)")
    p.add_argument("--order", type=int, choices=[1, 2], default=1, help="1: rates, 2: rates and covariances")
    p.add_argument("--T", type=float, default=5.0, help="mean-field time constant, ms (default 5)")
    p.add_argument("--json", default=None, metavar="OUT.json", help="write one record per drive")
    p.set_defaults(func=mean_field_main)
    q = subparsers.add_parser("transfer-function", help="characterise and fit a cell type's transfer function")
    q.add_argument("model", metavar="MODEL.json")
    q.add_argument("--pop", required=True, help="the characterised population")
    q.add_argument("--grid", action="append", metavar="NAME=low:high:n",
                   help="input rates of one presynaptic population (Hz); repeatable")
    q.add_argument("--seeds", type=int, default=4, help="cells per grid point (default 4)")
    q.add_argument("--t-measure", type=float, default=2000.0, help="measurement window, ms (default 2000)")
    q.add_argument("--t-discard", type=float, default=None, help="transient, ms (default 200 + 3 tauw if adapting)")
    q.add_argument("--seed", type=int, default=1)
    q.add_argument("--fout-max", type=float, default=60.0, help="upper end of the fitted rates, Hz (default 60)")
    q.add_argument("--out", default=None, metavar="TF.h5", help="write the characterisation and fit (HDF5)")
    q.add_argument("--coefficients-out", default=None, metavar="FIT.json", help="write the coefficients (JSON)")
    q.set_defaults(func=transfer_function_main)
    return subparsers
