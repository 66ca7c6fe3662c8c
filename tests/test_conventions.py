"""One set of conventions across the four packages (issue 6, section 3).

- Each package has ``errors.py`` with its root class and the same categories
  ``UnitError`` and ``ParameterError``, both :class:`ValueError` subclasses of the root.
- The same mistake (a time given in mV, a non-numeric number, a negative count, a
  probability of 1.5, a bad seed) raises the same category in every package that
  takes such an argument.
- No module imports another module's private helpers.
- A toolkit error does not end in brian2's "unexpected error" banner and leaves no
  ``brian_debug_*.log`` / ``brian_script_*.py``; other errors still reach brian2's
  handler.
"""

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOTS = {"stimuli": "StimulusError", "morphologies": "MorphologyError",
         "network": "NetworkError", "dendrites": "DendriteError"}


@pytest.mark.parametrize("package", sorted(ROOTS))
def test_each_package_has_the_root_and_the_two_categories(package):
    errors = importlib.import_module(f"{package}.errors")
    root = getattr(errors, ROOTS[package])
    assert root.__bases__ == (Exception,), f"{package}: the root derives from Exception only"
    for name in ("UnitError", "ParameterError"):
        category = getattr(errors, name)
        assert issubclass(category, root) and issubclass(category, ValueError), (package, name)
        assert not issubclass(category, TypeError), (package, name)
    assert not issubclass(errors.UnitError, errors.ParameterError)
    assert not issubclass(errors.ParameterError, errors.UnitError)


WARNINGS = {"stimuli": "StimulusWarning", "morphologies": "MorphologyWarning",
            "network": "NetworkWarning", "dendrites": "DendriteWarning"}


@pytest.mark.parametrize("package", sorted(WARNINGS))
def test_each_package_has_a_warning_root(package):
    """A repairable oddity is a typed, filterable <Pkg>Warning(UserWarning) of errors.py."""
    errors = importlib.import_module(f"{package}.errors")
    root = getattr(errors, WARNINGS[package])
    assert root.__bases__ == (UserWarning,) and WARNINGS[package] in errors.__all__


@pytest.mark.parametrize("package", ["stimuli", "morphologies", "dendrites"])
def test_every_warning_of_the_package_derives_from_its_root(package):
    root = getattr(importlib.import_module(f"{package}.errors"), WARNINGS[package])
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts)
                                         .removesuffix(".__init__"))
        found += [obj for obj in vars(module).values() if isinstance(obj, type)
                  and issubclass(obj, Warning) and obj.__module__ == module.__name__]
    assert root in found
    assert all(issubclass(w, root) for w in found), [w for w in found if not issubclass(w, root)]


def test_stimulus_warning_is_exported_and_filterable():
    import warnings

    import stimuli

    assert stimuli.StimulusWarning is stimuli.errors.StimulusWarning and "StimulusWarning" in stimuli.__all__
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=stimuli.StimulusWarning)
        warnings.warn("an oddity", stimuli.StimulusWarning)
        warnings.warn("another", UserWarning)
    assert [str(w.message) for w in caught] == ["another"]


# ------------------------------------------------------------------ the same mistake

def _stimuli():
    import stimuli

    return stimuli


def _small_discretisation():
    import morphologies as mo

    return mo.discretise(mo.ball_and_stick(), rule="max_length", max_length=100.0)


def _morph_animation(times):
    from morphologies import animate_morphology

    disc = _small_discretisation()
    return animate_morphology(disc, np.zeros((2, disc.n)), times)


def _mV():
    from brian2 import mV

    return mV


# mistake -> package -> (call, category); a package without such an argument is absent
# (morphologies takes no probability and no seed: nothing in it is random)
MISTAKES = {
    "time given in mV": {
        "stimuli": (lambda: _stimuli().homogeneous_poisson(5.0, 100 * _mV()), "UnitError"),
        "morphologies": (lambda: _morph_animation([0, 1] * _mV()), "UnitError"),
        "network": (lambda: importlib.import_module("network.analysis").smooth(
            np.ones(10), 0.1 * _mV(), 1.0), "UnitError"),
    },
    "length given in mV": {
        "morphologies": (lambda: importlib.import_module("morphologies").discretise(
            importlib.import_module("morphologies").ball_and_stick(), rule="max_length",
            max_length=5 * _mV()), "UnitError"),
    },
    "text where a number is expected": {
        "stimuli": (lambda: _stimuli().homogeneous_poisson("five", 100.0), "UnitError"),
        "morphologies": (lambda: importlib.import_module("morphologies").ball_and_stick(
            length="long"), "UnitError"),
    },
    "text where a count is expected": {
        "stimuli": (lambda: _stimuli().homogeneous_poisson(5.0, 100.0, n_sources="ten"), "UnitError"),
        "morphologies": (lambda: importlib.import_module("morphologies").rall_tree(levels="three"),
                         "UnitError"),
    },
    "text where a probability is expected": {
        "stimuli": (lambda: _stimuli().synchronous_volleys([10.0], 5, p_participate="half", seed=1),
                    "UnitError"),
        "stimuli.arguments": (lambda: _stimuli().arguments.check_probability("a", "p"), "UnitError"),
    },
    "text where a length or a positive number is expected": {
        "stimuli.arguments": (lambda: _stimuli().arguments.check_positive("a", "tau", unit="ms"),
                              "UnitError"),
        "morphologies": (lambda: importlib.import_module("morphologies").discretise(
            importlib.import_module("morphologies").ball_and_stick(), rule="max_length",
            max_length="long"), "UnitError"),
    },
    "negative count": {
        "stimuli": (lambda: _stimuli().homogeneous_poisson(5.0, 100.0, n_sources=-1),
                    "ParameterError"),
        "morphologies": (lambda: importlib.import_module("morphologies").rall_tree(levels=-1),
                         "ParameterError"),
        "network": (lambda: importlib.import_module("network.connectivity").fixed_indegree(
            -3, 10, 0.1, seed=1), "ParameterError"),
    },
    "negative length or spacing": {
        "morphologies": (lambda: importlib.import_module("morphologies").morphometrics(
            importlib.import_module("morphologies").ball_and_stick(), sholl_step=-5),
            "ParameterError"),
        "stimuli": (lambda: _stimuli().homogeneous_poisson(5.0, -100.0), "ParameterError"),
    },
    "probability of 1.5": {
        "stimuli": (lambda: _stimuli().synchronous_volleys([10.0], 5, p_participate=1.5, seed=1),
                    "ParameterError"),
        "network": (lambda: importlib.import_module("network.connectivity").fixed_indegree(
            10, 10, 1.5, seed=1), "ParameterError"),
    },
    "bad seed": {
        "stimuli": (lambda: _stimuli().homogeneous_poisson(5.0, 100.0, seed=-1),
                    "ParameterError"),
        "network": (lambda: importlib.import_module("network.connectivity").fixed_indegree(
            10, 10, 0.5, seed=-1), "ParameterError"),
    },
}
CASES = [pytest.param(mistake, package, id=f"{mistake}-{package}")
         for mistake, by_package in MISTAKES.items() for package in by_package]


@pytest.mark.parametrize("mistake, package", CASES)
def test_the_same_mistake_raises_the_same_category(mistake, package):
    call, category = MISTAKES[mistake][package]
    package = package.split(".")[0]  # "stimuli.arguments": the shared checks called directly
    errors = importlib.import_module(f"{package}.errors")
    with pytest.raises(getattr(errors, category)) as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, getattr(errors, ROOTS[package]))
    other = {"UnitError": "ParameterError", "ParameterError": "UnitError"}[category]
    assert not isinstance(info.value, getattr(errors, other)), "the two categories are distinct"
    assert len(str(info.value)) > 20  # a message saying what is wrong
    if mistake.startswith("text where"):
        assert "is not numeric" in str(info.value) and " in ." not in str(info.value)


def test_every_mistake_is_tried_in_two_packages_or_more():
    assert all(len(by_package) >= 2 for mistake, by_package in MISTAKES.items()
               if mistake != "length given in mV")


def test_seeds_are_checked_alike():
    """The seed range is the same everywhere: a non-negative integer below 2**32."""
    stimuli = _stimuli()
    for bad in (-1, 2**32, 1.5, "1", True):
        with pytest.raises(stimuli.ParameterError, match="seed"):
            stimuli.homogeneous_poisson(5.0, 10.0, seed=bad)
    a = stimuli.homogeneous_poisson(5.0, 1000.0, 3, seed=2**32 - 1)
    b = stimuli.homogeneous_poisson(5.0, 1000.0, 3, seed=np.int64(2**32 - 1))
    np.testing.assert_array_equal(a.times, b.times)
    c, d = (stimuli.homogeneous_poisson(5.0, 1000.0, 3, seed=np.random.SeedSequence(7))
            for _ in range(2))
    np.testing.assert_array_equal(c.times, d.times)


# ------------------------------------------------------------------ layering

@pytest.mark.parametrize("package", sorted(ROOTS))
def test_no_module_imports_private_helpers_of_another(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            if node.level == 0 and module.split(".")[0] not in ROOTS:
                continue  # a third-party library
            private = [a.name for a in node.names
                       if a.name.startswith("_") and not a.name.startswith("__")]
            private += [part for part in module.split(".") if part.startswith("_")]
            if private:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {module} {private}")
    assert not offenders, offenders


# ------------------------------------------------------------------ brian2's excepthook

_SCRIPT = """
import sys
{imports}
kind = sys.argv[1]
if kind == "morphologies":
    import morphologies as mo
    mo.load("no_such_file.swc")
if kind == "stimuli":
    import stimuli
    stimuli.homogeneous_poisson(5.0, -1.0)
if kind == "network":
    import network
    network.model.validate_model(dict(N_Cell=-1, dt=0.1, tstop=1.0, SEED=1))
if kind == "subclass":
    from morphologies.errors import UnitError
    class Mine(UnitError):
        pass
    raise Mine("a user's subclass of a toolkit error")
raise RuntimeError("an internal error")
"""


def _run_script(tmp_path, imports, kind):
    script = tmp_path / "script.py"
    script.write_text(_SCRIPT.format(imports=imports))
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, str(script), kind], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    leftovers = sorted(p.name for p in tmp_path.iterdir()
                       if p.name.startswith(("brian_debug_", "brian_script_")))
    return result, leftovers


BANNER = "Brian 2 encountered an unexpected error"
LAST_LINE = {"morphologies": "morphologies.errors.MorphologyNotFoundError",
             "stimuli": "stimuli.errors.ParameterError", "subclass": "Mine",
             "network": "network.errors.ModelValueError"}


@pytest.mark.parametrize("kind, imports", [
    ("morphologies", "import brian2"),                          # the user's script imports brian2
    ("stimuli", "import brian2"),
    ("morphologies", "import stimuli, morphologies\nimport brian2"),  # brian2 after the toolkit
    ("subclass", "import morphologies.discretisation"),         # morphologies imports brian2
    ("network", "import network\nimport brian2"),                # network before brian2
    ("network", "import brian2"),
])
def test_toolkit_errors_bypass_brian2s_banner_and_leave_no_files(tmp_path, imports, kind):
    result, leftovers = _run_script(tmp_path, imports, kind)
    assert result.returncode == 1
    assert BANNER not in result.stderr and "Traceback (most recent call last)" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(LAST_LINE[kind] + ": "), result.stderr
    assert leftovers == []


def test_other_errors_still_reach_brian2s_handler(tmp_path):
    result, leftovers = _run_script(tmp_path, "import morphologies.discretisation", "internal")
    assert result.returncode == 1
    assert BANNER in result.stderr and "RuntimeError: an internal error" in result.stderr
    assert any(name.startswith("brian_debug_") for name in leftovers)  # brian2 keeps its log


def test_one_hook_for_stimuli_network_and_dendrites():
    """network re-exports stimuli's hook; morphologies keeps its copy (layering) with the same rule."""
    import network
    import network.errors
    import stimuli.errors

    assert network.errors.install_error_hook is stimuli.errors.install_error_hook
    assert network.install_error_hook is stimuli.errors.install_error_hook
    assert network.errors.TOOLKIT_PACKAGES == stimuli.errors.TOOLKIT_PACKAGES
    dendrites_errors = importlib.import_module("dendrites.errors")
    assert getattr(dendrites_errors, "install_error_hook", stimuli.errors.install_error_hook) \
        is stimuli.errors.install_error_hook
    for cls in (network.ModelKeyError, stimuli.errors.UnitError, dendrites_errors.DendriteError):
        assert network.errors.is_toolkit_exception(cls) and stimuli.errors.is_toolkit_error(cls)
    assert not network.errors.is_toolkit_exception(KeyError)
    assert not any(hasattr(network.errors, name) for name in ("_AfterBrian2Import", "_toolkit_excepthook"))


@pytest.mark.parametrize("package", ["stimuli", "morphologies", "network"])
def test_install_error_hook_wraps_only_brian2s_handler(monkeypatch, package):

    install_error_hook = importlib.import_module(f"{package}.errors").install_error_hook
    mine = lambda *exc: None  # noqa: E731 - a user's own hook is left alone
    monkeypatch.setattr(sys, "excepthook", mine)
    assert install_error_hook() is mine and sys.excepthook is mine
    calls = []

    def brian_hook(*exc):
        calls.append(exc)
    brian_hook.__module__ = "brian2.utils.logger"
    monkeypatch.setattr(sys, "excepthook", brian_hook)
    hook = install_error_hook()
    assert hook is not brian_hook and sys.excepthook is hook
    # installed once, whichever package's function runs next
    assert importlib.import_module("morphologies.errors").install_error_hook() is hook
    assert importlib.import_module("stimuli.errors").install_error_hook() is hook
    assert importlib.import_module("network.errors").install_error_hook() is hook
    hook(RuntimeError, RuntimeError("x"), None)  # not a toolkit error: brian2's handler
    assert len(calls) == 1
