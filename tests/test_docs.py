"""The documentation site builds offline with warnings as errors.

A copy of ``docs/`` is built in a temporary directory (so that the generated
``auto_examples`` and API pages do not land in the source tree), without
executing the gallery (``-D plot_gallery=0``; ``tests/test_gallery.py`` runs the
examples).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GENERATED = ("_build", "auto_examples", "generated", "sg_execution_times.rst")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    src = tmp / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(*GENERATED))
    out = tmp / "html"
    env = dict(os.environ, NND_SOURCE_ROOT=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", "plot_gallery=0", str(src), str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    return out


@pytest.mark.slow
def test_site_builds_without_warnings(built_site):
    assert (built_site / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("page", [
    "getting_started.html", "guide/conventions.html", "guide/stimuli.html", "guide/network.html",
    "guide/recording.html", "guide/sweeps.html", "guide/morphologies.html", "guide/dendrites.html",
    "guide/mechanisms.html", "guide/mean_field_accuracy.html",
    "troubleshooting.html", "benchmarks.html", "api.html", "auto_examples/index.html",
])
def test_page_exists(built_site, page):
    assert (built_site / page).is_file(), page


@pytest.mark.slow
def test_api_reference_is_generated_from_the_docstrings(built_site):
    html = (built_site / "generated" / "stimuli.spikes.html").read_text()
    assert "correlated_poisson" in html and "Parameters" in html
    for module in ("network.build", "network.core", "network.sweeps", "network.scan", "network.cli",
                   "morphologies.discretisation", "dendrites.cli", "dendrites.mechanisms"):
        assert (built_site / "generated" / f"{module}.html").is_file(), module


@pytest.mark.slow
def test_conventions_page_has_the_error_table_and_the_unit_policy(built_site):
    html = (built_site / "guide" / "conventions.html").read_text()
    for text in ("UnitError", "ParameterError", "ModelKeyError", "RecordingError", "SimulationError",
                 "Quantity", "ms", "nS"):
        assert text in html, text


@pytest.mark.slow
def test_every_gallery_example_has_a_page(built_site):
    for script in (DOCS / "examples").glob("plot_*.py"):
        assert (built_site / "auto_examples" / f"{script.stem}.html").is_file(), script.name


@pytest.mark.slow
def test_troubleshooting_names_the_cache_and_the_numpy_pin(built_site):
    html = (built_site / "troubleshooting.html").read_text()
    for text in ("brian_extensions", "numpy", "2.4", "compiler", "cpp_standalone"):
        assert text in html, text
