"""Sphinx configuration of the neural-network-dynamics documentation.

Build (offline, warnings are errors)::

    sphinx-build -W -b html docs docs/_build/html                   # runs the gallery
    sphinx-build -W -b html -D plot_gallery=0 docs docs/_build/html # pages only

The gallery scripts run at full size when the site is built with the gallery;
``NND_GALLERY_REDUCED=1`` in the environment makes every script use its reduced
size (population sizes / 5, probabilities x 5, shorter epochs).
"""

import os
import sys
from pathlib import Path

# the source tree whose packages are documented (tests build a copy of docs/ elsewhere)
ROOT = Path(os.environ.get("NND_SOURCE_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))  # the packages are imported from the source tree

import re  # noqa: E402

project = "neural-network-dynamics"
author = "the neural-network-dynamics developers"
copyright = "the neural-network-dynamics developers, GPL-3.0-or-later"

try:
    from importlib.metadata import version as _version

    release = _version("neural-network-dynamics")
except Exception:  # not installed: read it from pyproject.toml
    import re

    _m = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    release = _m.group(1) if _m else "unknown"
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# No intersphinx: the build must work offline.
templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.py",
                    "auto_examples/*.ipynb", "auto_examples/*.zip", "auto_examples/*.json"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"

# -- API reference -----------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
# Names are documented where they are defined (the packages re-export them).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = False

# -- gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    # NND_GALLERY_PATTERN (a regular expression) executes only the matching scripts
    "filename_pattern": os.environ.get("NND_GALLERY_PATTERN", r"/plot_"),
    "ignore_pattern": r"_common\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "neural-network-dynamics"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False

exclude_patterns += ["examples/*"]

# A few docstrings and attribute comments write |x| for an absolute value or a norm
# (|V| < 2 V, |p2 - p1|), which reST reads as a substitution. Outside literals,
# escape such bars so that they show as written.
_ABS_BARS = re.compile(r"(?<![\\`|])\|(?=\S)([^|`\n]*?\S)\|(?![_`|])")
_LITERAL = re.compile(r"(``.*?``|`[^`]*`)")


def _escape_abs_bars(app, what, name, obj, options, lines):
    """Show ``|x|`` in docstrings as text, not as an undefined substitution."""
    for k, line in enumerate(lines):
        if "|" in line and not line.lstrip().startswith(("|", "+", "..")):
            parts = _LITERAL.split(line)
            lines[k] = "".join(part if i % 2 else _ABS_BARS.sub(r"\\|\1\\|", part)
                               for i, part in enumerate(parts))


def _skip(app, what, name, obj, skip, options):
    """Leave out command-line entry modules and names re-exported from numpy."""
    if name.endswith("__main__") or name == "__main__":
        return True
    if getattr(obj, "__module__", "") and str(getattr(obj, "__module__", "")).startswith("numpy"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip)
    app.connect("autodoc-process-docstring", _escape_abs_bars)
