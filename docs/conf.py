"""Sphinx configuration of the skmnistnoise documentation.

Build with ``tox -e docs``, or ``sphinx-build -W --keep-going -b html docs
docs/_build/html`` from the repository root. The gallery runs every
``examples/plot_*.py`` at build time (a few minutes on two cores); set
``SKMNISTNOISE_DOCS_PLOT=0`` to build without running them.
"""

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Document (and run the examples against) this checkout's package.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "sphinxext"))
# Before TensorFlow is imported by autodoc or the examples.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import skmnistnoise  # noqa: E402

project = "skmnistnoise"
author = "the skmnistnoise developers"
copyright = "the skmnistnoise developers, BSD-3-Clause"
version = release = skmnistnoise.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "study_results",
    "cli_help",
    "local_inventories",
    "api_members",
]

exclude_patterns = ["_build", "_templates", "sg_execution_times.rst"]
templates_path = ["_templates"]
default_role = "literal"
nitpicky = False

# -- API reference ---------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# A class page's table of contents lists its methods as ``fit()``, not
# ``GaussianNoise.fit()``: short enough for the right column, uncut.
toc_object_entries_show_parents = "hide"

# -- Gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.StoryOrder",
    "plot_gallery": os.environ.get("SKMNISTNOISE_DOCS_PLOT", "1") != "0",
    # skmnistnoise.plotting returns figures without pyplot: see returned_figures.
    "image_scrapers": ("matplotlib", "returned_figures.returned_figures"),
    # A cell's last expression (often ``ax.set_title(...)``) is not output.
    "capture_repr": (),
    # A figure left as a cell's last expression is shown as an image, not as
    # "<Figure size ...>".
    "ignore_repr_types": r"matplotlib\.(figure|axes)",
    "doc_module": ("skmnistnoise",),
    "backreferences_dir": "gen_modules/backreferences",
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "min_reported_time": 5,
    "show_memory": False,
    "download_all_examples": False,
}

# -- Full-MNIST results (docs/sphinxext/study_results.py) --------------------
study_results_dir = str(ROOT / "benchmarks" / "results")

# -- HTML ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skmnistnoise {version}"
html_static_path = ["_static"]
html_css_files = ["skmnistnoise.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    # The top menu: every section in one line at 1280 px (the navbar labels
    # are the short titles of index.rst's toctree).
    "header_links_before_dropdown": 8,
    "navbar_persistent": ["search-button"],
    # A gallery example has no page table of contents: its column takes the
    # width instead, so that its figures are shown at their size (the CSS
    # widens the column of these pages, _static/skmnistnoise.css). Named one
    # by one: a page matching two patterns is a warning of the theme.
    "secondary_sidebar_items": {
        "**": ["page-toc"],
        **{
            f"auto_examples/{example.stem}": []
            for example in sorted((ROOT / "examples").glob("plot_*.py"))
        },
    },
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# The left sidebar lists the pages of a section: the top-level pages have
# none (the API index lists on the page what the sidebar would), and an
# empty sidebar would take a quarter of the width from their tables and
# code. The user guide, the examples and the API class pages keep it.
html_sidebars = {
    page: []
    for page in (
        "index",
        "install",
        "reproducibility",
        "scale_out",
        "results",
        "api",
        "glossary",
        "search",
        "genindex",
    )
}
html_show_sourcelink = False


# -- Links to other projects (docs/sphinxext/local_inventories.py) ----------
# The inventories of scikit-learn, joblib, NumPy, Matplotlib, Keras, SciKeras
# and Dask are read from docs/inventories/*.txt, never downloaded: the build
# works offline. local_inventories adds them to this mapping.
intersphinx_mapping = {}


# -- Module docstrings without the map of the private modules ---------------
# The API reference shows the docstrings of skmnistnoise.experiment,
# .plotting, .report and .cluster (``.. automodule::``). For the developers
# reading the source they also map the private modules behind them
# (``skmnistnoise._store``: ...); a reader of the site cannot import those,
# so that map is left out there: a bullet whose item is a private module,
# the sentence that introduces such a list, a "see ``_name``" pointer, and
# any other sentence that names a private module.

PRIVATE_NAME = re.compile(r"``(?:skmnistnoise\.)?_[A-Za-z]\w*(?:\.\w+)*(?:\(\))?``")
SEE_PRIVATE = re.compile(r",?\s*see " + PRIVATE_NAME.pattern)


def _blocks(lines):
    """The docstring's blocks: runs of lines between blank lines."""
    block = []
    for line in lines:
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _bullets(block):
    """A bullet list's items (each a list of lines), or None for prose."""
    if not block[0].startswith("* "):
        return None
    items = []
    for line in block:
        if line.startswith("* "):
            items.append([line])
        elif line.startswith("  ") and items:
            items[-1].append(line)
        else:
            return None
    return items


def _is_prose(block):
    """A paragraph: not indented, not a doctest, directive or heading."""
    first = block[0]
    heading = len(block) == 2 and set(block[1].strip()) <= set("-=~^")
    return not (first[:1].isspace() or first.startswith((">>>", "..")) or heading)


def _without_private_sentences(text):
    text = SEE_PRIVATE.sub("", text)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z(:`])", text)
    return " ".join(s for s in sentences if not PRIVATE_NAME.search(s))


def drop_private_module_map(app, what, name, obj, options, lines):
    """``autodoc-process-docstring``: a module's docstring without its map."""
    if what != "module" or not name.startswith("skmnistnoise"):
        return
    if not PRIVATE_NAME.search("\n".join(lines)):
        return
    kept = []
    for block in _blocks(lines):
        items = _bullets(block)
        if items is not None:
            public = [i for i in items if not PRIVATE_NAME.match(i[0][2:])]
            if not public and kept and kept[-1][-1].rstrip().endswith(":"):
                # The sentence that introduced the list goes with it.
                intro = re.split(r"(?<=[.!?])\s+", " ".join(kept[-1]))
                kept[-1] = [" ".join(intro[:-1])] if len(intro) > 1 else []
            kept.append([line for item in public for line in item])
        elif _is_prose(block) and PRIVATE_NAME.search(" ".join(block)):
            kept.append([_without_private_sentences(" ".join(block))])
        else:
            kept.append(block)
    lines[:] = [
        line
        for block in kept
        if any(line.strip() for line in block)
        for line in [*block, ""]
    ]


def setup(app):
    # Before numpydoc (priority 500) turns the sections into reST.
    app.connect("autodoc-process-docstring", drop_private_module_map, priority=400)
