"""Parameters live in variables, not in the generated code: new values never recompile.

brian2 limit: a TimedArray's length and dt are written into the generated code; the
drive pads its arrays to a power-of-two length so that a new tstop recompiles only
when the number of steps crosses a power of two.
"""

from pathlib import Path

import numpy as np
import pytest

import network as ntwk


def _compiled_modules(cache):
    return sorted(p.name for p in Path(cache).rglob("*.so"))


@pytest.mark.slow
def test_changing_parameter_values_reuses_compiled_code(tmp_path, cell_model):
    import brian2

    previous = brian2.prefs.codegen.runtime.cython.cache_dir
    cache = tmp_path / "cython_cache"
    ntwk.set_code_target("cython", cache_dir=str(cache))
    try:
        rates = []
        # the second run also changes tstop: 1100 -> 1500 steps, both padded to 2048
        # samples in the drive's TimedArray, whose length brian2 writes into the code
        for Iinj, Gl, Q, rate, tstop in [(300.0, 10.0, 1.0, 5.0, 110.0), (450.0, 12.0, 3.0, 20.0, 150.0)]:
            Model = cell_model(N=20, tstop=tstop, dt=0.1, Iinj=Iinj, Gl=Gl, N_AffExc=10,
                               p_AffExc_Cell=0.5, Q_AffExc_Cell=Q, Tse=5.0, Ee=0.0)
            NTWK = ntwk.build.populations(Model, ["Cell"], AFFERENT_POPULATIONS=["AffExc"],
                                          with_raster=True)
            t = ntwk.arange(int(round(tstop / 0.1))) * 0.1
            ntwk.stim.construct_feedforward_input(NTWK, "Cell", "AffExc", t, np.full_like(t, rate), SEED=1)
            ntwk.build.initialize_to_rest(NTWK)
            ntwk.collect_and_run(NTWK)
            rates.append(len(ntwk.recording.collect(NTWK)["tRASTER_Cell"]) / tstop)
            if len(rates) == 1:
                first = _compiled_modules(cache)
        assert first, "the Cython target compiled nothing"
        assert _compiled_modules(cache) == first  # second run: no new module
        assert rates[1] > rates[0]  # and the new values did take effect
    finally:
        ntwk.set_code_target("runtime")
        brian2.prefs.codegen.runtime.cython.cache_dir = previous


def test_creating_synapses_compiles_nothing(tmp_path, cell_model):
    """Synapses from index arrays are created with brian2's vectorised numpy template: on a
    cold Cython cache, building connections writes no module (the run then compiles its own)."""
    import brian2

    previous = brian2.prefs.codegen.runtime.cython.cache_dir
    cache = tmp_path / "cython_cache"
    ntwk.set_code_target("cython", cache_dir=str(cache))
    try:
        Model = cell_model(N=50, tstop=5.0, dt=0.1, p_Cell_Cell=0.2, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0)
        NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True)
        ntwk.build.recurrent_connections(NTWK, seed=1)
        ntwk.build.connect(NTWK, "Cell", "Cell", [0, 1], [2, 3], weights=[1.0, 2.0])
        assert _compiled_modules(cache) == []
        S = NTWK["CONNECTIONS"][("Cell_1", "Cell")]
        np.testing.assert_array_equal(np.asarray(S.j[:]), [2, 3])
        assert S.codeobj_class is None  # the run uses the chosen target
    finally:
        ntwk.set_code_target("runtime")
        brian2.prefs.codegen.runtime.cython.cache_dir = previous
