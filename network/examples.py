"""The original project's RS-FS example, as a function (the toolkit's main job).

A recurrent network of 4000 regular-spiking excitatory (AdExp with spike-frequency
adaptation) and 1000 fast-spiking inhibitory cells, driven by 400 afferent
excitatory cells whose rate has a Gaussian bump at 1 s.
"""

from __future__ import annotations

import os

import numpy as np

from .errors import RecordingError

__all__ = ["RS_FS_MODEL", "run_rs_fs"]

#: The seed README's Model, verbatim (ms, mV, pF, nS, pA, Hz).
RS_FS_MODEL = {
    "N_Exc": 4000, "N_Inh": 1000, "N_AffExc": 400,
    "Q_Exc_Exc": 1., "Q_Exc_Inh": 1., "Q_AffExc_Exc": 1., "Q_AffExc_Inh": 1.,
    "Q_Inh_Exc": 4., "Q_Inh_Inh": 4.,
    "Tse": 5., "Tsi": 5., "Ee": 0., "Ei": -80.,
    "p_Exc_Exc": 0.05, "p_Exc_Inh": 0.05, "p_Inh_Exc": 0.05, "p_Inh_Inh": 0.05,
    "p_AffExc_Exc": 0.5, "p_AffExc_Inh": 0.5,
    "dt": 0.1, "tstop": 1500., "SEED": 3,
    "Exc_Gl": 10., "Exc_Cm": 200., "Exc_Trefrac": 5.,
    "Exc_El": -70., "Exc_Vthre": -50., "Exc_Vreset": -70., "Exc_deltaV": 2.,
    "Exc_a": 0., "Exc_b": 40., "Exc_tauw": 500,
    "Inh_Gl": 10., "Inh_Cm": 200., "Inh_Trefrac": 5.,
    "Inh_El": -70., "Inh_Vthre": -50., "Inh_Vreset": -70., "Inh_deltaV": 0.5,
    "Inh_a": 0., "Inh_b": 0., "Inh_tauw": 1e9,
}


def run_rs_fs(output_dir="output", Model=None, code_target="runtime", figure=True, verbose=True, threads=1,
              build_directory=None):
    """Run the RS-FS example and write ``RS-FS_data.h5`` and ``RS-FS.png``.

    Parameters
    ----------
    output_dir : str or path
        Folder for the outputs (created if needed).
    Model : dict, optional
        Overrides of :data:`RS_FS_MODEL` (seed units).
    code_target : str
        See :func:`network.set_code_target` (``nnd rs-fs`` uses ``'cpp_standalone'``).
    threads : int
        OpenMP threads for ``cpp_standalone``.
    build_directory : str or path, optional
        ``cpp_standalone`` build folder.  Default: one folder in the toolkit's cache
        (:func:`network.run.cache_directory`), reused by every run whatever the output
        folder and the parameter values: ``make`` recompiles only what changed (a
        new value: the main file), so only the very first run compiles everything.
        A lock file serialises runs that share it.
    figure : bool
        Also draw and save the activity figure.
    verbose : bool

    Returns
    -------
    dict
        The data dict (as written to the HDF5 file), with ``'files'`` added.

    Raises
    ------
    RecordingError
        ``output_dir`` cannot be created or written.
    ModelValueError, ModelKeyError, UnitError
        A bad ``Model`` override (checked before anything runs or is written).
    """
    from .model import plain_model
    from .run import cache_directory

    # the Model is checked first (tstop <= 0: "must be > 0", not a message about the time grid)
    Model = plain_model(dict(RS_FS_MODEL, **(Model or {})))
    try:
        os.makedirs(output_dir, exist_ok=True)
        probe = os.path.join(output_dir, ".nnd_write_test")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as exc:
        raise RecordingError(f"cannot write the outputs to {os.fspath(output_dir)!r}: {exc.strerror or exc}; "
                             f"choose a writable folder with -o/--output (output_dir).") from None
    if code_target != "cpp_standalone":
        return _run_rs_fs(output_dir, Model, code_target, figure, verbose, threads, None)
    if build_directory is None:
        build_directory = cache_directory("standalone", f"rs-fs-{threads}thread")
    os.makedirs(build_directory, exist_ok=True)
    import fcntl

    with open(os.path.join(build_directory, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one run at a time in a shared build folder
        try:
            return _run_rs_fs(output_dir, Model, code_target, figure, verbose, threads, build_directory)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run_rs_fs(output_dir, Model, code_target, figure, verbose, threads, build_directory):
    from . import analysis, build, plots, recording, stim
    from .core import time_array
    from .run import collect_and_run, current_code_target, set_code_target

    previous = current_code_target()  # put back whatever target the caller had chosen
    if code_target == "cpp_standalone":
        import gc

        # brian2 names code objects uniquely among the live ones: free an earlier run's
        # objects so that this build gets the same file names (and reuses their compilation)
        gc.collect()
    set_code_target(code_target, directory=build_directory, threads=threads)
    try:
        M = dict(RS_FS_MODEL, **(Model or {}))
        t_array = time_array(M)
        NTWK = build.populations(M, ["Exc", "Inh"], AFFERENT_POPULATIONS=["AffExc"], with_raster=True,
                                 with_Vm=4, with_synaptic_currents=True, verbose=verbose)
        build.recurrent_connections(NTWK, seed=5, verbose=verbose)
        rate = 4.0 + 4 * np.exp(-((t_array - 1000) ** 2) / 2 / 100**2)
        for pop in ["Exc", "Inh"]:
            stim.construct_feedforward_input(NTWK, pop, "AffExc", t_array, rate, seed=32, verbose=verbose)
        build.initialize_to_rest(NTWK)
        collect_and_run(NTWK, verbose=verbose)
        h5 = os.path.join(output_dir, "RS-FS_data.h5")
        data = recording.write_as_hdf5(NTWK, h5)  # standalone results read while the build folder is ours
    finally:
        set_code_target(**previous)
    files = {"hdf5": h5}
    if figure:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, _ = plots.activity_plots(recording.load_dict_from_hdf5(h5), smooth_ms=5.0)
        files["figure"] = os.path.join(output_dir, "RS-FS.png")
        fig.savefig(files["figure"], dpi=150, bbox_inches="tight")
        plt.close(fig)
    if verbose:
        for pop in ["Exc", "Inh"]:
            print(f"[network] {pop}: mean rate {analysis.mean_rate(data, pop):.2f} Hz")
        for kind, path in files.items():
            print(f"[network] wrote {path}")
    data["files"] = files
    return data
