"""stimuli.arguments: the shared checks raise the toolkit's categories, in the caller's package.

A non-numeric value where a number is expected is a UnitError, a value out of range a
ParameterError (review items 10 and 11); ``error=`` / ``unit_error=`` choose the classes.
"""

import numpy as np
import pytest
from brian2 import Hz, ms

from stimuli import arguments
from stimuli.errors import ParameterError, StimulusError, UnitError

NOT_NUMBERS = ["a", b"1", None, True, [0.1, "a"], {"p": 0.1}, object()]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_check_probability_refuses_text_with_a_unit_error(value):
    with pytest.raises(UnitError, match=r"p=.* is not numeric; pass a probability \(a number in \[0, 1\]\)") as info:
        arguments.check_probability(value, "p")
    assert not isinstance(info.value, ParameterError)
    assert " in 1" not in str(info.value)


@pytest.mark.parametrize("value", [1.5, -0.1, np.nan, [0.2, 2.0]])
def test_check_probability_out_of_range_is_a_parameter_error(value):
    with pytest.raises(ParameterError, match=r"is not a probability; pass a value in \[0, 1\]"):
        arguments.check_probability(value, "p")


def test_check_probability_returns_floats_and_arrays():
    assert arguments.check_probability(0.25, "p") == 0.25
    assert type(arguments.check_probability(np.float32(0.5), "p")) is float
    np.testing.assert_array_equal(arguments.check_probability([0.0, 1.0], "p"), [0.0, 1.0])
    assert arguments.check_probability(0.5 * (ms * Hz), "p") == pytest.approx(5e-4, rel=1e-12)
    with pytest.raises(UnitError, match="must be dimensionless; pass a plain number"):
        arguments.check_probability(5 * ms, "p")


@pytest.mark.parametrize("value", ["a", None, ["1"], object()])
def test_check_count_refuses_non_numbers_with_a_unit_error(value):
    with pytest.raises(UnitError, match=r"n=.* is not numeric; pass an integer >= 1, e.g. n=1"):
        arguments.check_count(value, "n", minimum=1)


@pytest.mark.parametrize("value", [True, 1.5, -1, np.inf])
def test_check_count_bad_values_are_parameter_errors(value):
    with pytest.raises(ParameterError, match="must be an integer >= 0"):
        arguments.check_count(value, "n")


@pytest.mark.parametrize("value", [[1, 2], np.array([3])])
def test_check_count_of_an_array_is_a_parameter_error(value):
    with pytest.raises(ParameterError, match=r"must be a single integer >= 0, got an array of shape"):
        arguments.check_count(value, "n")


def test_check_indices_text_is_a_unit_error_fractions_a_parameter_error():
    with pytest.raises(UnitError, match=r"idx=\['a', 'b'\] is not numeric \(dtype <U1\)"):
        arguments.check_indices(["a", "b"], 3, "idx")
    with pytest.raises(ParameterError, match="must hold integer indices"):
        arguments.check_indices([0.5], 3, "idx")
    with pytest.raises(ParameterError, match="outside 0..2"):
        arguments.check_indices([3], 3, "idx")
    np.testing.assert_array_equal(arguments.check_indices([0.0, 2.0], 3, "idx"), [0, 2])


@pytest.mark.parametrize("value", ["a", None, True, ["1", "2"]])
def test_check_positive_refuses_non_numbers_with_a_unit_error(value):
    """check_positive('a') was a builtin ValueError from numpy."""
    with pytest.raises(UnitError, match=r"tau=.* is not numeric; pass a number in ms"):
        arguments.check_positive(value, "tau", unit="ms")


def test_check_positive_refuses_quantities():
    """A Quantity was silently taken in SI units (5*ms passed as 0.005)."""
    with pytest.raises(UnitError, match=r"tau=5\. \* msecond is a brian2 Quantity.*to_plain\(tau, 'ms', 'tau'\)"):
        arguments.check_positive(5 * ms, "tau", unit="ms")
    assert arguments.check_positive(arguments.to_plain(5 * ms, "ms", "tau"), "tau", unit="ms") == 5.0


def test_check_positive_bounds():
    assert arguments.check_positive(0.0, "x", strict=False) == 0.0
    for bad in (0.0, -1.0, np.nan, [1.0, -2.0]):
        with pytest.raises(ParameterError, match="must be finite and > 0"):
            arguments.check_positive(bad, "x")


class _PackageRoot(Exception):
    pass


class _PackageUnitError(_PackageRoot, ValueError):
    pass


class _PackageParameterError(_PackageRoot, ValueError):
    pass


@pytest.mark.parametrize("call", [
    lambda kw: arguments.check_probability("a", "p", **kw),
    lambda kw: arguments.check_count("a", "n", **kw),
    lambda kw: arguments.check_indices(["a"], 3, "i", **kw),
    lambda kw: arguments.check_positive("a", "x", **kw),
])
def test_callers_choose_their_own_classes(call):
    with pytest.raises(_PackageUnitError):
        call({"error": _PackageParameterError, "unit_error": _PackageUnitError})
    with pytest.raises(UnitError):  # the default
        call({})


def test_another_packages_error_gives_that_packages_unit_error():
    """error=network.ModelValueError alone: a non-numeric value is network's UnitError, not stimuli's."""
    import network.errors
    import dendrites.errors

    with pytest.raises(network.errors.UnitError):
        arguments.check_probability("a", "p", error=network.errors.ModelValueError)
    with pytest.raises(network.errors.ModelValueError):
        arguments.check_probability(2.0, "p", error=network.errors.ModelValueError)
    with pytest.raises(dendrites.errors.UnitError):
        arguments.check_count("a", "n", minimum=1, error=dendrites.errors.PlacementError)
    with pytest.raises(UnitError):  # a class from no toolkit package: stimuli's UnitError
        arguments.check_count("a", "n", error=_PackageParameterError)
    assert issubclass(UnitError, StimulusError)
