"""Parameter spaces of a sweep: a grid, a list of points, seeded random samples.

A *point* is a dict ``{name: value}`` of plain values (int, float, bool, str).  Its
identity is :func:`point_key`, a hash of its canonical JSON text, and its seed is
:func:`point_seed`: both depend on the point's parameters only, never on the order
in which points run or on the number of workers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import numbers

import numpy as np

from ..errors import ModelKeyError, ParameterError

__all__ = ["Grid", "Points", "RandomSamples", "grid", "points", "random_samples", "as_space",
           "point_key", "point_seed", "plain_value"]


def plain_value(value, name):
    """``value`` as a plain python scalar (int, float, bool or str), or raise.

    numpy scalars become their python value; a brian2 Quantity or any other object
    is refused (a sweep's parameters are stored and hashed as plain numbers in the
    unit the point function documents).

    Raises
    ------
    ParameterError
        For a Quantity, an array, None, a non-finite float or another type.
    """
    if isinstance(value, np.generic) and not hasattr(value, "dim"):
        value = value.item()
    if hasattr(value, "dim"):
        raise ParameterError(
            f"sweep parameter {name!r} = {value!r} is a brian2 Quantity: give plain numbers in the "
            f"unit the point function documents (e.g. 4.0 for 4 Hz)."
        )
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"sweep parameter {name!r} = {value!r}: give a finite number.")
        return value
    raise ParameterError(
        f"sweep parameter {name!r} = {value!r} ({type(value).__name__}): a parameter value must be "
        f"an int, float, bool or str."
    )


def _check_name(name):
    if not isinstance(name, str) or not name or "/" in name:
        raise ParameterError(f"sweep parameter name {name!r}: give a non-empty str without '/'.")
    return name


def _canonical(point):
    """Canonical JSON of a point: sorted names, floats as their shortest round-trip text."""
    return json.dumps({k: point[k] for k in sorted(point)}, sort_keys=True, separators=(",", ":"))


def point_key(point):
    """Identity of a point: the first 16 hex digits of the SHA-256 of its canonical JSON.

    ``1`` and ``1.0`` are different points (an int and a float are stored as such).
    """
    return hashlib.sha256(_canonical(point).encode()).hexdigest()[:16]


def point_seed(point, seed=0):
    """The seed of a point: a function of its parameters and the sweep's ``seed`` only.

    Parameters
    ----------
    point : dict
        Parameter name -> plain value.
    seed : int
        The sweep's base seed (>= 0).

    Returns
    -------
    int
        In ``[0, 2**31)``: ``SeedSequence([seed, *sha256 words of the point])``.
    """
    digest = hashlib.sha256(_canonical(point).encode()).digest()
    words = np.frombuffer(digest, dtype="<u4").tolist()
    return int(np.random.SeedSequence([int(seed)] + words).generate_state(1, dtype=np.uint32)[0] >> 1)


class _Space:
    """Base of the parameter spaces: a sequence of points in a fixed order."""

    kind = "space"

    def __len__(self):
        return len(self.points)

    def __iter__(self):
        return iter(self.points)

    @property
    def names(self):
        """Parameter names, in the order of the first point."""
        return list(self.points[0]) if self.points else []

    def describe(self):
        """A storable dict describing the space (kept in the sweep's store)."""
        raise NotImplementedError

    @property
    def shape(self):
        """Shape of the grid (``None`` for a list of points or random samples)."""
        return None


class Grid(_Space):
    """Every combination of the values of each parameter (``itertools.product`` order).

    The first parameter varies slowest, the last fastest, as the original
    ``ntwk.scan.run(Model, KEYS, VALUES, ...)``.

    Parameters
    ----------
    axes : dict
        ``{name: sequence of values}``, in the order of the axes.
    """

    kind = "grid"

    def __init__(self, axes):
        if not isinstance(axes, dict) or not axes:
            raise ParameterError(f"grid axes = {axes!r}: give a non-empty dict {{name: [values]}}.")
        self.axes = {}
        for name, values in axes.items():
            _check_name(name)
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                raise ParameterError(f"grid axis {name!r} = {values!r}: give a list of values.")
            values = [plain_value(v, name) for v in values]
            if not values:
                raise ParameterError(f"grid axis {name!r} has no values.")
            if len({json.dumps(v) for v in values}) != len(values):
                raise ParameterError(f"grid axis {name!r} = {values!r} repeats a value; give each once.")
            self.axes[name] = values
        names = list(self.axes)
        self.points = [dict(zip(names, combo)) for combo in itertools.product(*self.axes.values())]

    @property
    def shape(self):
        return tuple(len(v) for v in self.axes.values())

    def describe(self):
        return {"kind": self.kind, "names": list(self.axes), "axes": {k: list(v) for k, v in self.axes.items()}}


class Points(_Space):
    """An explicit list of points (dicts with the same parameter names).

    Parameters
    ----------
    points : list of dict
    """

    kind = "points"

    def __init__(self, points):
        if isinstance(points, dict) or not hasattr(points, "__iter__"):
            raise ParameterError(f"points = {points!r}: give a list of dicts {{name: value}}.")
        self.points = []
        for i, p in enumerate(points):
            if not isinstance(p, dict) or not p:
                raise ParameterError(f"point {i} = {p!r}: give a non-empty dict {{name: value}}.")
            self.points.append({_check_name(k): plain_value(v, k) for k, v in p.items()})
        if not self.points:
            raise ParameterError("points = []: give at least one point.")
        names = set(self.points[0])
        for i, p in enumerate(self.points):
            if set(p) != names:
                raise ModelKeyError(
                    f"point {i} has the parameters {sorted(p)}, point 0 has {sorted(names)}: give every "
                    f"point the same names."
                )
        keys = [point_key(p) for p in self.points]
        if len(set(keys)) != len(keys):
            dup = next(self.points[i] for i, k in enumerate(keys) if keys.count(k) > 1)
            raise ParameterError(f"point {dup!r} is listed more than once; give each point once.")

    def describe(self):
        return {"kind": self.kind, "names": self.names}


class RandomSamples(_Space):
    """``n`` points drawn at random with a seed (the same seed gives the same points).

    Parameters
    ----------
    ranges : dict
        ``{name: (low, high)}`` uniform in ``[low, high)``, ``{name: ('log', low, high)}``
        log-uniform (``0 < low < high``), or ``{name: [choices]}`` one of the listed values.
    n : int
        Number of points.
    seed : int
        Seed of the draw (``numpy.random.default_rng``).
    """

    kind = "random"

    def __init__(self, ranges, n, seed):
        from stimuli.arguments import check_count, check_seed

        if not isinstance(ranges, dict) or not ranges:
            raise ParameterError(f"random ranges = {ranges!r}: give a dict {{name: (low, high)}}.")
        self.n = check_count(n, "n", minimum=1, error=ParameterError)
        self.seed = check_seed(seed, "seed", error=ParameterError)
        rng = np.random.default_rng(self.seed)
        columns, self.ranges = {}, {}
        for name, spec in ranges.items():
            _check_name(name)
            low = high = None
            log = False
            if isinstance(spec, dict) and set(spec) <= {"low", "high", "log"} and {"low", "high"} <= set(spec):
                low, high, log = spec["low"], spec["high"], bool(spec.get("log", False))
            elif isinstance(spec, (list, tuple)) and len(spec) == 3 and spec[0] == "log":
                low, high, log = spec[1], spec[2], True
            elif isinstance(spec, tuple) and len(spec) == 2:
                low, high = spec
            if low is not None:
                low, high = float(plain_value(low, name)), float(plain_value(high, name))
                if not (0 < low < high if log else low < high):
                    raise ParameterError(
                        f"random range {name!r} = {spec!r}: need {'0 < ' if log else ''}low < high.")
                draw = rng.uniform(np.log(low), np.log(high), self.n) if log else rng.uniform(low, high, self.n)
                columns[name] = (np.exp(draw) if log else draw).tolist()
                self.ranges[name] = {"low": low, "high": high, "log": log}
            elif isinstance(spec, list) and spec:
                choices = [plain_value(x, name) for x in spec]
                columns[name] = [choices[i] for i in rng.integers(0, len(choices), self.n)]
                self.ranges[name] = {"choices": choices}
            else:
                raise ParameterError(
                    f"random range {name!r} = {spec!r}: give a tuple (low, high), ('log', low, high), "
                    f"a dict {{low: .., high: .., log: false}} or a list of choices."
                )
        self.points = [{k: columns[k][i] for k in columns} for i in range(self.n)]
        if len({point_key(p) for p in self.points}) != self.n:
            raise ParameterError(
                f"random samples: {self.n} draws from {ranges!r} repeat a point (few choices?); draw fewer."
            )

    def describe(self):
        return {"kind": self.kind, "names": self.names, "n": self.n, "seed": self.seed, "ranges": self.ranges}


def grid(**axes):
    """A :class:`Grid` from keyword arguments: ``grid(drive=[2, 4], b=[0, 40])``."""
    return Grid(axes)


def points(list_of_points):
    """A :class:`Points` space from a list of dicts."""
    return Points(list_of_points)


def random_samples(ranges, n, seed):
    """A :class:`RandomSamples` space (see there)."""
    return RandomSamples(ranges, n, seed)


def as_space(space):
    """A space from a space, a dict (a grid) or a list of dicts (points)."""
    if isinstance(space, _Space):
        return space
    if isinstance(space, dict):
        return Grid(space)
    if isinstance(space, (list, tuple)):
        return Points(space)
    raise ParameterError(
        f"space = {space!r}: give a grid dict {{name: [values]}}, a list of point dicts, or "
        f"network.sweeps.random_samples(...)."
    )
