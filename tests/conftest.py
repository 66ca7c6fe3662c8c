"""Shared test configuration: headless matplotlib, brian2 targets, small Model factories."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _toolkit_cache_in_a_temporary_folder(tmp_path_factory):
    """The toolkit's cache (standalone builds of `nnd rs-fs`) goes to a temporary folder, never
    to the user's ~/.cache (tests that need their own cache set NND_CACHE_DIR themselves)."""
    import os

    previous = os.environ.get("NND_CACHE_DIR")
    os.environ["NND_CACHE_DIR"] = str(tmp_path_factory.mktemp("nnd_cache"))
    yield
    if previous is None:
        os.environ.pop("NND_CACHE_DIR", None)
    else:
        os.environ["NND_CACHE_DIR"] = previous


@pytest.fixture
def numpy_target():
    """Small single-cell networks: brian2's numpy target (nothing to compile)."""
    import network
    from network.run import current_code_target

    previous = current_code_target()
    network.set_code_target("numpy")
    try:
        yield
    finally:
        network.set_code_target(**previous)  # the target chosen before, not always "runtime"


@pytest.fixture
def cell_model():
    """Factory of a one-population Model (seed units), LIF by default.

    Cell parameters are given without prefix (``Iinj=...``); other keyword
    arguments are Model keys as they are (``Q_Aff_Cell=...``).
    """

    def make(N=1, tstop=200.0, dt=0.01, **cell):
        params = dict(Gl=10.0, Cm=200.0, Trefrac=5.0, El=-70.0, Vthre=-50.0, Vreset=-70.0,
                      deltaV=0.0, a=0.0, b=0.0, tauw=1e9)
        from network.model import CELL_PARAMETERS, OPTIONAL_CELL_PARAMETERS

        cell_keys = set(CELL_PARAMETERS) | set(OPTIONAL_CELL_PARAMETERS)
        params.update({k: v for k, v in cell.items() if k in cell_keys})
        Model = {"N_Cell": N, "dt": dt, "tstop": tstop, "SEED": 1}
        Model.update({f"Cell_{k}": v for k, v in params.items()})
        Model.update({k: v for k, v in cell.items() if k not in cell_keys})  # network keys
        return Model

    return make
