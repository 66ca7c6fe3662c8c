"""The network object, its time grid, and the toolkit's entry into brian2.

:class:`Network` is what :func:`network.build.populations` returns.  It is a
``dict`` (the original project's ``NTWK``: ``NTWK['NEURONS']``, ``NTWK['RASTER']``...
work as documented in :mod:`network.build`) that also owns, as attributes:

* its **clock** (``brian2.Clock`` with the Model's ``dt``): every group, synapse
  and monitor of the network runs on it, so networks built in one process with
  different ``dt`` never share or overwrite a step (no brian2 global is set);
* its **state**: ``'built'`` (objects may still be added: connections, drives,
  initial values) or ``'ran'`` (it has run for :attr:`Network.time` ms; it can
  :func:`~network.run.run_on`, its structure is fixed);
* its **brian2.Network** (``NTWK['NETWORK']`` after the first run), its random
  generator state between runs, and its recordings.

The time grid of a Model is computed in one place, :func:`time_array`.
"""

from __future__ import annotations

import itertools

import numpy as np

from stimuli.arguments import check_seed as _check_seed_shared
from stimuli.arguments import to_plain as _to_plain_shared

from .errors import ModelValueError, ParameterError, SimulationError, UnitError, install_error_hook

__all__ = ["Network", "time_array", "n_steps", "brian2", "plain", "cell_indices", "resolve_seed", "UNSET",
           "DOCUMENTED_KEYS"]

#: The keys of ``NTWK`` documented in :mod:`network.build` (the original project's API).
DOCUMENTED_KEYS = ("Model", "POPULATIONS", "AFFERENT_POPULATIONS", "dt", "tstop", "NEURONS",
                   "PRESYNAPTIC", "CONNECTIONS", "CONNECTIVITY", "AFFERENT_RATES", "RASTER",
                   "POP_ACT", "VMS", "SEEDS", "OBJECTS", "NETWORK", "TIMING")

_counter = itertools.count()


def brian2():
    """The ``brian2`` module, imported on first use (with the toolkit's excepthook installed).

    brian2's import takes about a second and installs its own ``sys.excepthook``;
    :func:`network.errors.install_error_hook` then wraps it, so that the toolkit's
    errors print a plain traceback instead of brian2's bug-report banner.
    """
    import brian2 as b2

    install_error_hook()
    return b2


def n_steps(dt, tstop, what="tstop"):
    """Number of steps of ``tstop`` ms at ``dt`` ms: ``round(tstop/dt)``, which must be a whole number >= 1.

    ``int(tstop/dt)`` is wrong for about a third of non-integer ratios (``0.3/0.1 =
    2.9999999999999996``): this is the one place the toolkit turns a duration into
    steps.
    """
    ratio = float(tstop) / float(dt)
    n = int(round(ratio))
    if n < 1 or abs(ratio - n) > 1e-9 * max(1.0, ratio):
        raise ModelValueError(
            f"{what} = {float(tstop):g} ms is not a whole number (>= 1) of steps dt = {float(dt):g} ms "
            f"({what}/dt = {ratio:.10g}); give a multiple of dt, e.g. {max(n, 1) * float(dt):g} ms."
        )
    return n


def time_array(Model, tstop=None):
    """The time grid of a run, ``0, dt, 2 dt, ... (n - 1) dt`` (ms), ``n = round(tstop/dt)``.

    Parameters
    ----------
    Model : dict or Network
        A Model dict (keys ``dt`` and ``tstop``, ms) or a network (its current
        ``tstop``, which grows with :func:`network.run.run_on`).
    tstop : float or Quantity, optional
        Another duration (ms) on the same ``dt``.

    Returns
    -------
    numpy.ndarray
        Float64 times in ms, one per integration step; sample a rate waveform on it
        for :func:`network.stim.construct_feedforward_input`.

    Examples
    --------
    >>> time_array({'dt': 0.1, 'tstop': 0.3})
    array([0. , 0.1, 0.2])
    """
    try:
        dt = plain(Model["dt"], "ms", "Model['dt']")
        T = plain(Model["tstop"] if tstop is None else tstop, "ms", "tstop")
    except (KeyError, TypeError):
        raise ModelValueError("time_array needs a Model (or network) with 'dt' and 'tstop' in ms.") from None
    if not (np.isfinite(dt) and dt > 0):
        raise ModelValueError(f"Model['dt'] = {dt!r} ms must be > 0.")
    return np.arange(n_steps(dt, T)) * dt


def plain(value, unit, name):
    """``value`` (a brian2 Quantity or plain numbers in ``unit``) as float / float64 array in ``unit``.

    A Quantity of another dimension, or a non-numeric value, raises
    :class:`network.UnitError` (see :func:`stimuli.arguments.to_plain`).
    """
    if isinstance(value, (list, tuple)) and value and all(hasattr(v, "dim") for v in value):
        value = np.asarray([plain(v, unit, name) for v in value])  # a list of Quantities
    return _to_plain_shared(value, unit, name, error=UnitError)


def cell_indices(values, n, name):
    """Whole indices in ``[0, n)`` as an int64 1-D array.

    Raises :class:`network.UnitError` for a brian2 Quantity or non-numbers and
    :class:`network.ModelValueError` (naming ``name``) for another shape,
    fractional values or indices out of range.
    """
    if hasattr(values, "dim"):
        raise UnitError(f"{name} are cell indices (whole numbers), got a brian2 Quantity {values!r}.")
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):
        raise UnitError(f"{name} must be whole cell indices, got {type(values).__name__}.") from None
    if arr.ndim != 1:
        raise ModelValueError(f"{name} must be a 1-D array of cell indices, got shape {arr.shape}.")
    if arr.size and arr.dtype.kind not in "iuf":
        raise UnitError(f"{name} must be whole cell indices, got dtype {arr.dtype} (e.g. {arr[:3].tolist()}).")
    if arr.size and not (arr.dtype.kind in "iu" or bool(np.all(np.isfinite(arr) & (arr == np.round(arr))))):
        raise ModelValueError(f"{name} must hold whole cell indices, got dtype {arr.dtype} "
                              f"(e.g. {arr[:3].tolist()}).")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ModelValueError(f"{name}: cell indices must be in [0, {n}), got {arr.min()}..{arr.max()}.")
    return arr


#: Default of a ``seed``/``SEED`` argument that was not given (an explicit ``None`` is an error).
UNSET = type("Unset", (), {"__repr__": lambda self: "<not given>"})()


def resolve_seed(seed, SEED, what, default=None):
    """The seed of a call that accepts ``seed`` and the original API's alias ``SEED``.

    Raises :class:`network.ModelValueError` when both are given with different
    values, when neither is given and there is no default, or when the seed is not
    an integer in ``[0, 2**32)`` (an integer-valued float such as ``5.0`` is accepted).
    """
    if seed is None or SEED is None:
        raise ModelValueError(f"{what}: seed (SEED) = None; give an integer seed >= 0 (e.g. seed=1), so that the "
                              f"run is reproducible.")
    seed = None if seed is UNSET else seed
    SEED = None if SEED is UNSET else SEED
    if seed is not None and SEED is not None and seed != SEED:
        raise ModelValueError(f"{what}: seed={seed!r} and SEED={SEED!r} are the same argument (SEED is the "
                              f"original API's name); give one.")
    value = seed if seed is not None else SEED
    if value is None:
        if default is None:
            raise ModelValueError(f"{what}: give the seed of its random choices, seed=<int> (or SEED=<int>, "
                                  f"the original API's name), so that the run is reproducible.")
        value = default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _check_seed_shared(value, "seed (SEED)", error=ModelValueError)


class Network(dict):
    """A network: its brian2 objects, its clock, its state and its recordings.

    Built by :func:`network.build.populations`; as a ``dict`` it gives the keys of
    the original project's ``NTWK`` (:data:`DOCUMENTED_KEYS`).  Everything else is
    an attribute.

    Attributes
    ----------
    clock : brian2.Clock
        The network's own clock (``dt`` of the Model): every object of the
        network runs on it.
    state : {'built', 'ran'}
        ``'built'``: objects may be added.  ``'ran'``: it has run
        (:func:`network.collect_and_run`) and can only :func:`network.run.run_on`.
    code_target : str
        The code-generation target it was built for (see
        :func:`network.set_code_target`).
    connected : bool
        :func:`network.build.recurrent_connections` has been called.
    brian_network : brian2.Network or None
        Its brian2 Network (also ``NTWK['NETWORK']``), created at the first run.
    drive_rates : dict
        ``{(afferent, target): events per cell and second on the grid}`` of the
        independent Poisson drives (their TimedArray data).
    afferent_groups : dict
        ``{afferent: (PoissonGroup, rate)}`` of the explicit (shared) afferent populations.
    record_raster : bool
        Spikes are recorded (also of explicit afferent populations).
    random_state : object
        brian2's random generator state at the end of the last run (restored
        before :func:`network.run.run_on`, so that another network run in between
        does not change this one's random numbers).
    """

    def __init__(self, Model, populations, afferents, dt, tstop, seed, record_raster, code_target):
        b2 = brian2()
        super().__init__(
            Model=dict(Model), POPULATIONS=list(populations), AFFERENT_POPULATIONS=list(afferents),
            dt=float(dt), tstop=float(tstop), NEURONS={}, PRESYNAPTIC={}, CONNECTIONS={},
            CONNECTIVITY={}, AFFERENT_RATES={}, RASTER={}, POP_ACT={}, VMS={},
            SEEDS={"network": seed}, OBJECTS=[],
        )
        self.uid = next(_counter)
        # one name for every network's clock: brian2 writes it into the generated code, and
        # a per-network name would compile new code for every network
        self.clock = b2.Clock(dt=float(dt) * b2.ms, name="network_clock")
        self.state = "built"
        self.code_target = code_target
        self.connected = False
        self.brian_network = None
        self.drive_rates = {}
        self.afferent_groups = {}
        self.record_raster = bool(record_raster)
        self.random_state = None
        self.steps_run = 0

    def __repr__(self):
        pops = ", ".join(f"{p}: {int(self['Model'][f'N_{p}'])}" for p in self["POPULATIONS"])
        return (f"<network.Network {{{pops}}} dt={self['dt']:g} ms, tstop={self['tstop']:g} ms, "
                f"state={self.state!r}, t={self.time:g} ms>")

    @property
    def dt(self):
        """Integration step (ms)."""
        return self["dt"]

    @property
    def n_steps(self):
        """Steps of the whole run so far planned (``round(tstop/dt)``)."""
        return n_steps(self["dt"], self["tstop"])

    @property
    def t_array(self):
        """The time grid of the run (ms), ``time_array(NTWK)``; recordings have one sample per entry."""
        return np.arange(self.n_steps) * self["dt"]

    @property
    def time(self):
        """Simulated time so far (ms): ``steps_run * dt``."""
        return self.steps_run * self["dt"]

    def check_not_run(self, what):
        """Raise :class:`network.SimulationError` if the network has already run."""
        if self.state == "ran":
            raise SimulationError(
                f"{what}: this network has already run ({self.time:g} ms); its structure and initial "
                f"state are fixed now. Add connections, drives and initial values before the first "
                f"run; change values during a run with INTERMEDIATE_INSTRUCTIONS, continue it with "
                f"network.run_on(NTWK, duration), or build the network again."
            )


def as_network(NTWK, what):
    """``NTWK`` if it is a :class:`Network`, else a :class:`network.ParameterError` saying what to pass."""
    if not isinstance(NTWK, Network):
        raise ParameterError(
            f"{what}: expected the network returned by network.build.populations(...), got "
            f"{type(NTWK).__name__}."
        )
    return NTWK
