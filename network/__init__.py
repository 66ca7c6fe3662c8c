"""AdExp point-neuron networks on brian2, in the original project's API.

Usage follows the original ``neural_network_dynamics`` project (``import network as
ntwk``)::

    NTWK = ntwk.build.populations(Model, ['Exc', 'Inh'], AFFERENT_POPULATIONS=['AffExc'],
                                  with_raster=True, with_Vm=4)
    ntwk.build.recurrent_connections(NTWK, seed=5)
    t_array = ntwk.time_array(Model)
    ntwk.stim.construct_feedforward_input(NTWK, 'Exc', 'AffExc', t_array, rate, seed=32)
    ntwk.build.initialize_to_rest(NTWK)
    ntwk.collect_and_run(NTWK)
    ntwk.run_on(NTWK, 500.0)      # runtime targets: continue from where it stopped
    ntwk.recording.write_as_hdf5(NTWK, filename='data.h5')

Submodules: :mod:`~network.model` (the Model dict grammar), :mod:`~network.build`,
:mod:`~network.connectivity`, :mod:`~network.stim`, :mod:`~network.run`,
:mod:`~network.recording`, :mod:`~network.hdf5`, :mod:`~network.plots`,
:mod:`~network.analysis`, :mod:`~network.examples`.
"""

from importlib.metadata import PackageNotFoundError, version as _version

from numpy import arange

from . import build, connectivity, model, stim
from .core import Network, time_array
from .errors import (ModelFileError, ModelKeyError, ModelKeyWarning, ModelValueError, NetworkError, NetworkWarning,
                     ParameterError, RecordingError, SimulationError, TimeGridWarning, UnitError, install_error_hook)
from .run import collect_and_run, run_on, set_code_target

install_error_hook()  # wraps brian2's excepthook if brian2 is already imported (again at every brian2 use)

try:
    __version__ = _version("neural-network-dynamics")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "arange", "build", "stim", "collect_and_run", "run_on", "set_code_target", "time_array", "Network",
    "recording", "plots", "analysis", "connectivity", "model", "hdf5", "core", "scan", "sweeps",
    "theory", "transfer_functions",
    "NetworkError", "UnitError", "ParameterError", "ModelKeyError", "ModelValueError", "RecordingError",
    "SimulationError", "ModelFileError", "NetworkWarning", "ModelKeyWarning", "TimeGridWarning",
]

# analysis (scipy.ndimage), hdf5/recording (h5py) and plots (matplotlib) load on
# first use: a script that only simulates does not pay for their imports.
_LAZY_SUBMODULES = ("analysis", "hdf5", "plots", "recording", "examples", "scan", "sweeps", "cli",
                    "theory", "transfer_functions")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'network' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
