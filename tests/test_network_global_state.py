"""The toolkit leaves brian2's process-wide state (code target, random generator) as it found it."""

import brian2
import numpy as np

import network as ntwk
from network.examples import run_rs_fs
from network.run import code_target, current_code_target

import conftest

#: a tiny RS-FS network: the test is about the state left behind, not the dynamics
TINY = {"N_Exc": 40, "N_Inh": 10, "tstop": 20.0}


def _choose(target):
    previous = current_code_target()
    ntwk.set_code_target(target)
    return previous


def test_run_rs_fs_restores_the_callers_runtime_target(tmp_path):
    previous = _choose("runtime")
    try:
        run_rs_fs(tmp_path, Model=TINY, code_target="numpy", figure=False, verbose=False)
        assert code_target() == "runtime"
        assert brian2.prefs.codegen.target == "auto"
    finally:
        ntwk.set_code_target(**previous)


def test_run_rs_fs_restores_a_non_default_target(tmp_path):
    """A caller that chose Cython keeps Cython after a numpy-target example run."""
    previous = _choose("cython")
    try:
        run_rs_fs(tmp_path, Model=TINY, code_target="numpy", figure=False, verbose=False)
        assert code_target() == "cython"
        assert brian2.prefs.codegen.target == "cython"
    finally:
        ntwk.set_code_target(**previous)


def test_numpy_target_fixture_restores_the_previous_target():
    fixture = conftest.numpy_target._get_wrapped_function()
    previous = _choose("cython")
    try:
        gen = fixture()
        next(gen)
        assert code_target() == "numpy" and brian2.prefs.codegen.target == "numpy"
        for _ in gen:  # teardown
            pass
        assert code_target() == "cython" and brian2.prefs.codegen.target == "cython"
    finally:
        ntwk.set_code_target(**previous)


def test_characterise_puts_back_brians_random_generator(numpy_target):
    """characterise seeds brian2's (global) generator for its run, then restores the caller's stream."""
    from network import transfer_functions as tfs
    from network.theory.accuracy import DI_VOLO_MODEL

    brian2.seed(123)
    expected = np.random.rand(4)
    brian2.seed(123)
    data = tfs.characterise(DI_VOLO_MODEL, "Exc", {"Exc": [4.0], "AffExc": [1.0]}, n_seeds=2,
                            inputs=["Exc", "AffExc"], t_measure=20.0, t_discard=5.0, seed=7)
    assert data["Fout"].shape == (1, 2)
    np.testing.assert_array_equal(np.random.rand(4), expected)


def test_characterise_restores_the_cython_random_buffers_exactly():
    """On the Cython target brian2 draws from a buffer that it frees when refilling it:
    brian2's get/set_random_state would restore a freed address (the process aborts on the
    next draw). The toolkit keeps the buffer's contents: the caller's stream continues exactly."""
    from network import transfer_functions as tfs
    from network.theory.accuracy import DI_VOLO_MODEL

    previous = _choose("cython")
    try:
        def probe(n):
            """A Cython run that draws n numbers from brian2's buffer of uniform numbers."""
            G = brian2.NeuronGroup(n, "x : 1", dt=0.1 * brian2.ms, name=f"rng_probe_{n}")
            G.run_regularly("x = rand()", dt=0.1 * brian2.ms)
            brian2.Network(G).run(0.1 * brian2.ms, namespace={})
            return np.array(G.x[:])

        brian2.seed(11)
        probe(300)  # the buffer is allocated and partly used
        expected = probe(25000)  # the rest of it, then a refill (20000 numbers per buffer)
        brian2.seed(11)
        probe(300)
        for _ in range(2):  # twice: brian2's own restore would free the same buffer twice here
            tfs.characterise(DI_VOLO_MODEL, "Exc", {"Exc": [4.0], "AffExc": [1.0]}, n_seeds=2,
                             inputs=["Exc", "AffExc"], t_measure=20.0, t_discard=5.0, seed=7)
        np.testing.assert_array_equal(probe(25000), expected)
    finally:
        ntwk.set_code_target(**previous)
