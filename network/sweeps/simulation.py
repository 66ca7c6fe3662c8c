"""Networks described in a file (JSON or YAML): ``nnd run`` and network sweeps.

A model file holds the seed's flat Model keys (ms, mV, pF, nS, pA, Hz) and a few
option sections, all optional::

    # RS-FS at reduced size (YAML; JSON takes the same structure)
    extends: rs-fs-small         # optional: start from a bundled network ('rs-fs', 'rs-fs-small')
    N_Exc: 400
    N_Inh: 100
    N_AffExc: 100
    # ... every other Model key (see network.model) ...
    tstop: 500.
    SEED: 3
    populations: [Exc, Inh]      # simulated (default: every population with <pop>_Gl)
    afferent: [AffExc]           # afferent (default: the other populations)
    connections: {seed: 5}       # recurrent connectivity seed (network.build.recurrent_connections)
    drive:                       # one dict or a list of dicts (network.stim.construct_feedforward_input)
      afferent: AffExc
      targets: [Exc, Inh]
      rate: 4.0                  # Hz, constant; or a Gaussian bump
      # rate: {baseline: 4., amplitude: 4., t0: 1000., sigma: 100.}
      seed: 32
    recording: {raster: true, Vm: 4, pop_act: true, synaptic_currents: false}
    analysis: {t_start: 200.}    # window start (ms) of the mean rates and CVs (default min(200, tstop/4))

A mapping under a name that is not one of these sections is refused (a Model key
holds a number): ``drvie: {...}`` is a typo, not a Model key.

In a sweep, a parameter name is a flat Model key (``Exc_b``) or a dotted path into
the options (``drive.rate``, ``drive.rate.amplitude``, ``drive.1.seed`` for the
second of several drives, ``connections.seed``); a flat name must be a key of the
model or a key the Model grammar defines for its populations.
"""

from __future__ import annotations

import copy
import json
import os
import re

import numpy as np

from ..errors import ModelFileError, ModelKeyError, ModelValueError, ParameterError, RecordingError

__all__ = ["OPTION_SECTIONS", "read_model_file", "load_yaml", "network_description", "apply_overrides",
           "run_network", "summary_outputs", "analysis_start", "network_point", "check_names", "bundled_model",
           "RS_FS_OPTIONS", "RS_FS_SMALL"]

OPTION_SECTIONS = ("extends", "populations", "afferent", "connections", "drive", "recording", "analysis")
"""Keys of a model file that are options, not Model keys."""

#: Options of the RS-FS example (``extends: rs-fs``): its Gaussian drive bump at 1 s.
RS_FS_OPTIONS = {
    "populations": ["Exc", "Inh"], "afferent": ["AffExc"], "connections": {"seed": 5},
    "drive": {"afferent": "AffExc", "targets": ["Exc", "Inh"], "seed": 32,
              "rate": {"baseline": 4.0, "amplitude": 4.0, "t0": 1000.0, "sigma": 100.0}},
    "recording": {"raster": True, "Vm": 4, "pop_act": True, "synaptic_currents": True},
}

#: The RS-FS example at a tenth of its size with the same in-degrees (connection
#: probabilities x10), constant drive (``extends: rs-fs-small``): the sweeps'
#: gallery and benchmark network.
RS_FS_SMALL = {
    "N_Exc": 400, "N_Inh": 100, "N_AffExc": 400, "tstop": 500.0,
    "p_Exc_Exc": 0.5, "p_Exc_Inh": 0.5, "p_Inh_Exc": 0.5, "p_Inh_Inh": 0.5,
    "populations": ["Exc", "Inh"], "afferent": ["AffExc"], "connections": {"seed": 5},
    "drive": {"afferent": "AffExc", "targets": ["Exc", "Inh"], "rate": 4.0, "seed": 32},
    "recording": {"raster": True, "Vm": 0, "pop_act": True},
}


def bundled_model(name):
    """The flat keys and options of a bundled network: ``'rs-fs'`` or ``'rs-fs-small'``.

    Raises
    ------
    ModelKeyError
        Another name.
    """
    from ..examples import RS_FS_MODEL

    if name == "rs-fs":
        return dict(copy.deepcopy(RS_FS_MODEL), **copy.deepcopy(RS_FS_OPTIONS))
    if name == "rs-fs-small":
        return dict(copy.deepcopy(RS_FS_MODEL), **copy.deepcopy(RS_FS_SMALL))
    raise ModelKeyError(f"extends = {name!r}: the bundled networks are 'rs-fs' and 'rs-fs-small'.")


def load_yaml(text, filename="<string>"):
    """Parse YAML text, reading ``1e9`` and ``-2.5E-3`` as floats (PyYAML reads them as str).

    A key given twice in one mapping warns (the last value is used), as
    :func:`network.model.load_json` does for JSON.

    Raises
    ------
    ModelFileError
        Malformed YAML: the message names the file and the line.

    Warns
    -----
    ModelKeyWarning
        A key given twice in one mapping.
    """
    import warnings

    import yaml

    from ..errors import ModelKeyWarning

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    warnings.warn(f"{filename}, line {key_node.start_mark.line + 1}: key {key!r} is given twice; "
                                  f"the last value is used.", ModelKeyWarning, stacklevel=2)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                    |\.[0-9_]+(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X),
        list("-+0123456789."))
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}, line {mark.line + 1}" if mark is not None else filename
        problem = getattr(exc, "problem", None) or str(exc)
        raise ModelFileError(f"{where}: malformed YAML ({problem}); fix the file.") from None


def read_model_file(path):
    """A model file (``.json``, ``.yaml`` or ``.yml``) as a dict.

    JSON is read by :func:`network.model.load_json` (keys containing a space are
    comments and are dropped), YAML by :func:`load_yaml`.

    Raises
    ------
    ParameterError
        Another extension.
    RecordingError
        Missing or unreadable file.
    ModelFileError
        Malformed JSON/YAML (with the line), a file that is not UTF-8 text, or a top
        level that is not a mapping.
    """
    from ..model import load_json

    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".json", ".yaml", ".yml"):
        raise ParameterError(f"{path}: give a .json, .yaml or .yml model file (got {ext or 'no extension'!r}).")
    if ext == ".json":
        return load_json(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start}); "
                             f"a model file is YAML or JSON text.") from None
    data = load_yaml(text, path)
    if not isinstance(data, dict):
        raise ModelFileError(f"{path}: the top level must be a mapping of Model keys and options, "
                             f"got {type(data).__name__}.")
    return data


def _drives(desc):
    drive = desc.get("drive", [])
    drives = [drive] if isinstance(drive, dict) else list(drive)
    for i, d in enumerate(drives):
        if not isinstance(d, dict):
            raise ModelValueError(f"drive[{i}] = {d!r}: give a mapping {{afferent, targets, rate, seed}}.")
        unknown = set(d) - {"afferent", "targets", "rate", "seed"}
        if unknown or "afferent" not in d or "rate" not in d:
            raise ModelKeyError(
                f"drive[{i}] = {d!r}: the keys are afferent (required), targets, rate (required), seed"
                + (f"; unknown {sorted(unknown)}" if unknown else "") + ".")
    return drives


def _refuse_misplaced_sections(data):
    """A mapping (or a list of mappings) under a name that is not an option section is a typo.

    Model keys hold numbers; ``drvie: {...}`` would otherwise be kept as a Model key
    and the run would go on without its drive.  A list of plain values is refused
    only when its name looks like an option section (``populatons: [Exc]``): the
    original project's parameter files hold such lists (``REC_POPS``).  Names starting
    with ``_`` are user annotations and are never interpreted.
    """
    import difflib

    for key, value in data.items():
        if key in OPTION_SECTIONS or not isinstance(key, str) or key.startswith("_"):
            continue
        nested = isinstance(value, dict) or (isinstance(value, (list, tuple))
                                              and any(isinstance(v, (dict, list, tuple)) for v in value))
        close = difflib.get_close_matches(key.lower(), OPTION_SECTIONS, n=1, cutoff=0.75)
        if not nested and not (isinstance(value, (list, tuple)) and close):
            continue
        hint = f"did you mean the option section {close[0]!r}? " if close else ""
        kind = "a mapping" if isinstance(value, dict) else "a list"
        raise ModelKeyError(
            f"model key {key!r} holds {kind} ({value!r}), but it is not an option section and a Model key "
            f"holds a number: {hint}The option sections are {', '.join(OPTION_SECTIONS)}; start the name "
            f"with '_' if it is an annotation of your own.")


def network_description(data):
    """A complete description from a model file's content.

    Parameters
    ----------
    data : dict
        Flat Model keys and option sections (see the module docstring); with
        ``extends: rs-fs`` or ``extends: rs-fs-small``, they update that bundled
        network (an option section replaces the bundled one whole).

    Returns
    -------
    dict
        ``{'Model': flat keys, **options}`` with every option filled in; the Model is
        validated and its Quantities converted (:func:`network.model.plain_model`).

    Raises
    ------
    UnitError
        A Model value that is not a number (``tstop: fifty``) or a Quantity of the
        wrong dimension.
    ModelValueError
        A Model value out of range.
    ModelKeyError
        A mapping (or list of mappings) under a name that is no option section
        (``drvie: {...}``: the look-alike section is suggested), a list under a name
        that looks like one (``populatons: [Exc]``), an unknown option, an unknown
        bundled network.
    """
    if not isinstance(data, dict):
        raise ModelValueError(f"model = {data!r}: give a mapping of Model keys and options.")
    base = bundled_model(data["extends"]) if "extends" in data else {}
    merged = dict(base, **copy.deepcopy({k: v for k, v in data.items() if k != "extends"}))
    _refuse_misplaced_sections(merged)
    from ..model import plain_model, population_names

    # the Model is validated (and Quantities converted) before anything reads it
    model = plain_model({k: v for k, v in merged.items() if k not in OPTION_SECTIONS})
    desc = {"Model": model}

    pops = population_names(model)
    desc["populations"] = list(merged.get("populations") or [p for p in pops if f"{p}_Gl" in model])
    desc["afferent"] = list(merged.get("afferent") or [p for p in pops if p not in desc["populations"]])
    desc["connections"] = dict({"seed": 1}, **(merged.get("connections") or {}))
    desc["drive"] = [dict({"targets": list(desc["populations"]), "seed": 1}, **d) for d in _drives(merged)]
    desc["recording"] = dict({"raster": True, "Vm": 0, "pop_act": True, "synaptic_currents": False},
                             **(merged.get("recording") or {}))
    desc["analysis"] = dict({"t_start": None}, **(merged.get("analysis") or {}))
    unknown = set(desc["connections"]) - {"seed"}
    unknown |= {f"recording.{k}" for k in set(desc["recording"]) - {"raster", "Vm", "pop_act", "synaptic_currents"}}
    unknown |= {f"analysis.{k}" for k in set(desc["analysis"]) - {"t_start"}}
    if unknown:
        raise ModelKeyError(f"unknown option(s) {sorted(unknown)}: see network.sweeps.simulation for the "
                            f"options of each section.")
    return desc


def apply_overrides(desc, overrides):
    """A copy of a description with flat Model keys or dotted option paths set.

    Raises
    ------
    ModelKeyError
        A dotted path that names no option (``drive.rate`` with several drives needs
        ``drive.<i>.rate``).
    """
    desc = copy.deepcopy(desc)
    for name, value in overrides.items():
        if "." not in name:
            desc["Model"][name] = value
            continue
        parts = name.split(".")
        if parts[0] not in OPTION_SECTIONS:
            raise ModelKeyError(f"parameter {name!r}: a dotted name starts with one of {OPTION_SECTIONS}.")
        node = desc
        path = parts[:-1]
        if parts[0] == "drive" and len(parts) > 1 and not parts[1].isdigit():
            if len(desc["drive"]) != 1:
                raise ModelKeyError(f"parameter {name!r}: the model has {len(desc['drive'])} drives; name one, "
                                    f"e.g. 'drive.0.{'.'.join(parts[1:])}'.")
            path = ["drive", "0"] + parts[1:-1]
        for p in path:
            node = node[int(p)] if isinstance(node, list) and p.isdigit() and int(p) < len(node) else (
                node.get(p) if isinstance(node, dict) else None)
            if node is None:
                raise ModelKeyError(f"parameter {name!r}: the model has no option {p!r} there.")
        if not isinstance(node, dict) or parts[-1] not in node:
            if parts[-1] in ("baseline", "amplitude", "t0", "sigma"):
                raise ModelKeyError(f"parameter {name!r}: this drive's rate is a constant, not a bump.")
            known = sorted(node) if isinstance(node, dict) else []
            raise ModelKeyError(f"parameter {name!r}: the model has no option {parts[-1]!r} there "
                                f"(options: {known}).")
        node[parts[-1]] = value
    return desc


def _rate(spec, t, where):
    if isinstance(spec, dict):
        unknown = set(spec) - {"baseline", "amplitude", "t0", "sigma"}
        if unknown or not {"baseline", "amplitude", "t0", "sigma"} <= set(spec):
            raise ModelKeyError(f"{where} = {spec!r}: a bump rate has the keys baseline, amplitude (Hz), "
                                f"t0, sigma (ms).")
        return spec["baseline"] + spec["amplitude"] * np.exp(-((t - spec["t0"]) ** 2) / 2 / spec["sigma"] ** 2)
    if isinstance(spec, bool) or not isinstance(spec, (int, float)):
        raise ModelValueError(f"{where} = {spec!r}: give a rate in Hz or a bump {{baseline, amplitude, t0, sigma}}.")
    return np.full(t.shape, float(spec))


def _seeds(desc, seed):
    """The model's own seeds, or seeds derived from one point seed."""
    if seed is None:
        return desc["Model"].get("SEED"), desc["connections"]["seed"], [d["seed"] for d in desc["drive"]]
    from ..model import seed_sequence

    words = seed_sequence(seed, "network").generate_state(2 + len(desc["drive"]))
    words = [int(w >> 1) for w in words]
    return words[0], words[1], words[2:]


def run_network(desc, seed=None, output_dir=None, figure=False, verbose=False, name="network"):
    """Build and run the network of a description; return its data dict.

    Parameters
    ----------
    desc : dict
        From :func:`network_description`.
    seed : int, optional
        One seed from which the Model's, the connectivity's and the drives' seeds are
        derived (a sweep point's seed); default: the seeds written in the description.
    output_dir : str, optional
        Write ``<name>.h5`` (and ``<name>.png`` with ``figure``) there.
    figure : bool
    verbose : bool
    name : str
        Stem of the output files.

    Returns
    -------
    dict
        The data dict (:func:`network.recording.collect`), with ``'files'`` if written.
    """
    from .. import build, collect_and_run, recording, stim

    M = dict(desc["Model"])
    analysis_start(desc)  # a bad analysis window fails before the run, not after it
    if output_dir is not None:  # and so does an output folder that cannot be made
        try:
            os.makedirs(output_dir, exist_ok=True)
        except OSError as exc:
            raise RecordingError(f"cannot create the output folder {output_dir}: {exc.strerror or exc}.") from None
    model_seed, conn_seed, drive_seeds = _seeds(desc, seed)
    if model_seed is not None:
        M["SEED"] = model_seed
    rec = desc["recording"]
    NTWK = build.populations(M, desc["populations"], AFFERENT_POPULATIONS=desc["afferent"],
                             with_raster=bool(rec["raster"]), with_Vm=rec["Vm"], with_pop_act=bool(rec["pop_act"]),
                             with_synaptic_currents=bool(rec["synaptic_currents"]), verbose=verbose)
    build.recurrent_connections(NTWK, SEED=conn_seed, verbose=verbose)
    t = np.arange(int(round(M["tstop"] / M["dt"]))) * M["dt"]
    for i, (d, s) in enumerate(zip(desc["drive"], drive_seeds)):
        rate = _rate(d["rate"], t, f"drive[{i}].rate")
        targets = [d["targets"]] if isinstance(d["targets"], str) else d["targets"]
        for target in targets:
            stim.construct_feedforward_input(NTWK, target, d["afferent"], t, rate, SEED=s, verbose=verbose)
    build.initialize_to_rest(NTWK)
    collect_and_run(NTWK, verbose=verbose)
    if output_dir is None:
        return recording.collect(NTWK)
    h5 = os.path.join(output_dir, f"{name}.h5")
    data = recording.write_as_hdf5(NTWK, h5)
    files = {"hdf5": h5}
    if figure:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        from .. import plots

        fig, _ = plots.activity_plots(recording.load_dict_from_hdf5(h5), smooth_ms=5.0)
        files["figure"] = os.path.join(output_dir, f"{name}.png")
        fig.savefig(files["figure"], dpi=150, bbox_inches="tight")
        plt.close(fig)
    data["files"] = files
    return data


def analysis_start(desc):
    """Start (ms) of the analysis window: ``analysis.t_start``, by default min(200, tstop / 4).

    Raises
    ------
    ModelValueError
        ``t_start`` is not in ``[0, tstop)``.
    """
    tstop = float(desc["Model"].get("tstop", 0.0))
    t0 = desc["analysis"]["t_start"]
    if t0 is None:
        return min(200.0, tstop / 4)
    if isinstance(t0, bool) or not isinstance(t0, (int, float)) or not 0 <= t0 < tstop:
        raise ModelValueError(f"analysis.t_start = {t0!r} ms: give the start of the analysis window in "
                              f"[0, tstop = {tstop:g}) ms.")
    return float(t0)


def summary_outputs(desc, data, traces=False):
    """Mean rate (Hz) and mean ISI CV of every simulated population after ``analysis.t_start``.

    Returns
    -------
    dict
        ``rate_<pop>`` (Hz), ``cv_<pop>`` (NaN when too few spikes), and with
        ``traces`` the population rate ``pop_act_<pop>`` (Hz, every step).
    """
    from .. import analysis

    t0 = analysis_start(desc)
    out = {}
    for pop in desc["populations"]:
        if f"tRASTER_{pop}" in data:
            out[f"rate_{pop}"] = float(analysis.mean_rate(data, pop, t_start=t0))
            cv = analysis.isi_cv(data, pop, t_start=t0)
            out[f"cv_{pop}"] = float(np.nanmean(cv)) if np.isfinite(cv).any() else float("nan")
        if traces and f"POP_ACT_{pop}" in data:
            out[f"pop_act_{pop}"] = np.asarray(data[f"POP_ACT_{pop}"])
    return out


def network_point(model, seed=None, per_point_seeds=True, traces=False, code_target=None, **overrides):
    """A sweep point function: the network of ``model`` with ``overrides``, summarised.

    Parameters
    ----------
    model : dict
        A model file's content (flat Model keys and options, ``extends`` allowed).
    seed : int, optional
        The point's seed (given by the sweep).
    per_point_seeds : bool
        Derive every seed of the network from the point's seed (independent samples,
        the default); False keeps the model's seeds at every point (common random
        numbers: smoother maps, correlated errors).
    traces : bool
        Also return the population rates over time.
    code_target : str, optional
        brian2 target of this point (:func:`network.set_code_target`), set around the
        run; the target found before is restored after it (default: leave it as it is).
    **overrides
        Flat Model keys or dotted option paths (see :func:`apply_overrides`).

    Returns
    -------
    dict
        See :func:`summary_outputs`.

    Raises
    ------
    ModelKeyError
        A flat name that is neither a key of ``model`` nor a key the Model grammar
        defines for its populations (``Exc_bbb``), or a dotted path to no option.
    """
    from ..model import plain_model, population_names

    base = network_description(model)
    pops = population_names(base["Model"])
    for name in overrides:
        if "." not in name:
            _check_flat_name(name, base["Model"], pops)
    desc = apply_overrides(base, overrides)
    if any("." not in name for name in overrides):  # the swept values are checked as the file's are
        desc["Model"] = plain_model(desc["Model"])
    if code_target is None:
        data = run_network(desc, seed=seed if per_point_seeds else None)
    else:
        from ..run import code_target as current_target
        from ..run import set_code_target

        previous = current_target()
        set_code_target(code_target)
        try:
            data = run_network(desc, seed=seed if per_point_seeds else None)
        finally:
            set_code_target(previous)
    return summary_outputs(desc, data, traces=traces)


def check_names(model, names, fixed=()):
    """Raise if a sweep parameter cannot apply to ``model``.

    Parameters
    ----------
    model : dict
        A model file's content (flat Model keys and options).
    names : iterable of str
        The swept parameters: flat Model keys or dotted option paths.
    fixed : dict, optional
        Fixed parameters of every point (their flat keys are checked as ``names``
        are, with the values given).

    Raises
    ------
    ModelKeyError
        A flat name that is neither a key of the model nor a key the Model grammar
        defines for its populations (``Exc_bbb``), or a dotted path to no option.
    ModelValueError, UnitError
        A fixed value or the model itself is invalid.
    """
    from ..model import population_names, validate_model

    fixed = dict(fixed or {})
    base = network_description(model)
    desc = network_description(dict(model, **{k: v for k, v in fixed.items() if "." not in k}))
    analysis_start(desc)
    pops = population_names(desc["Model"])
    for name in list(names) + [k for k in fixed if k not in names]:
        if not isinstance(name, str):
            raise ModelKeyError(f"sweep parameter {name!r}: give a Model key or a dotted option path (a str).")
        if "." not in name:
            _check_flat_name(name, base["Model"], pops)
        probe = apply_overrides(desc, {name: fixed[name] if name in fixed else _probe_value(desc, name)})
        if "." not in name:
            try:
                validate_model(probe["Model"])
            except ModelValueError:
                if name in fixed:
                    raise
    return None


def _check_flat_name(name, Model, pops):
    """Refuse a swept flat name that is neither a key of ``Model`` nor a grammar key of ``pops``."""
    import difflib

    from ..model import look_alike_keys, unit_of

    if name in Model or unit_of(name, pops) is not None:
        return
    alike = look_alike_keys(name, list(Model)) or difflib.get_close_matches(name, list(Model), n=2, cutoff=0.8)
    hint = f" (did you mean {' or '.join(map(repr, alike))}?)" if alike else ""
    raise ModelKeyError(
        f"sweep parameter {name!r} is not a Model key of this model{hint}: sweep a key the model "
        f"has, a key the Model grammar defines for its populations {pops}, or a dotted option "
        f"path such as 'drive.rate'.")


def _probe_value(desc, name):
    if "." not in name:
        return desc["Model"].get(name, 1.0)
    return 1.0
