"""morphologies.units: the package's converter behaves as stimuli.arguments.to_plain."""

import numpy as np
import pytest
from brian2 import Hz, cm, kohm, mm, ms, mV, ohm, second, uF, um

from morphologies.errors import MorphologyError, ParameterError, UnitError
from morphologies.units import UNITS, to_plain, to_positive
from stimuli import arguments
from stimuli.errors import UnitError as StimulusUnitError

VALUES = [
    (3.5, "um", 3.5),
    (np.array([1.0, 2.0]), "um", np.array([1.0, 2.0])),
    (2 * mm, "um", 2000.0),
    (np.array([1.0, 3.0]) * um, "um", np.array([1.0, 3.0])),
    (0.1 * kohm * cm, "ohm*cm", 100.0),
    (150 * ohm * cm, "ohm*cm", 150.0),
    (0.01 * ohm * 100 * cm, "ohm*cm", 1.0),
    (2 * uF / cm**2, "uF/cm**2", 2.0),
    (0.02 * uF / mm**2, "uF/cm**2", 2.0),
    (0.1 / ms, "Hz", 100.0),
    (2 * second, "ms", 2000.0),
    (7, "1", 7.0),
]


@pytest.mark.parametrize("value, unit, expected", VALUES)
def test_converts_like_stimuli(value, unit, expected):
    ours = to_plain(value, unit, "x")
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
    np.testing.assert_allclose(ours, arguments.to_plain(value, unit, "x"), rtol=1e-12)
    assert type(ours) is type(arguments.to_plain(value, unit, "x"))
    if np.ndim(expected) == 0:
        assert isinstance(ours, float)


@pytest.mark.parametrize("value, unit", [
    (5 * mV, "um"), (5 * um, "ohm*cm"), (5 * ohm, "ohm*cm"), (1 * uF, "uF/cm**2"),
    (5 * ms, "Hz"), (5 * Hz, "ms"), (5 * mV, "1"), ("ten", "um"), (None, "um"), (True, "um"),
    ([1, "a"], "um"), (b"1", "ms"),
])
def test_refuses_like_stimuli(value, unit):
    with pytest.raises(UnitError, match=r"argument 'x' must be") as ours:
        to_plain(value, unit, "x")
    with pytest.raises(StimulusUnitError):
        arguments.to_plain(value, unit, "x")
    assert isinstance(ours.value, ValueError) and isinstance(ours.value, MorphologyError)
    assert repr(value)[:6] in str(ours.value) or "shape" in str(ours.value)


def test_every_unit_has_the_dimension_brian2_gives_it():
    from brian2.units.fundamentalunits import get_dimensions

    for unit, (scale, _) in UNITS.items():
        brian_unit = {"um": um, "ohm*cm": ohm * cm, "uF/cm**2": uF / cm**2, "Hz": Hz, "ms": ms,
                      "1": 1.0}[unit]
        assert to_plain(3 * brian_unit, unit, "x") == pytest.approx(3.0, rel=1e-12)
        assert float(np.asarray(brian_unit)) == pytest.approx(scale, rel=1e-12)
        assert get_dimensions(brian_unit) is get_dimensions(3 * brian_unit)


@pytest.mark.parametrize("value", [0, -1, np.nan, np.inf, [1, -1]])
def test_to_positive(value):
    with pytest.raises(ParameterError, match="must be finite and > 0"):
        to_positive(value, "um", "length")
    assert to_positive(0, "um", "length", strict=False) == 0.0 if value == 0 else True


def test_no_brian2_import_for_plain_numbers():
    """The converter never imports brian2 (the command line stays fast)."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, morphologies.units as u\n"
            "assert u.to_plain(3, 'um', 'x') == 3.0\n"
            "assert 'brian2' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(__file__).resolve().parents[1], timeout=60)


def test_a_list_of_quantities_keeps_its_units():
    """np.asarray([1*um]) is 1e-6: a list of Quantities must not lose its unit silently."""
    np.testing.assert_allclose(to_plain([1 * um, 2 * mm], "um", "x"), [1.0, 2000.0])
    np.testing.assert_allclose(arguments.to_plain([1 * ms, 2 * second], "ms", "x"), [1.0, 2000.0])
    for bad in ([1 * um, 2 * ms], [1 * um, 2.0]):
        with pytest.raises(UnitError, match="mixing"):
            to_plain(bad, "um", "x")
        with pytest.raises(StimulusUnitError, match="mixes"):
            arguments.to_plain(bad, "um", "x")
