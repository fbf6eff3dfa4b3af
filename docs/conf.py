"""Sphinx configuration of the skmnistnoise documentation.

Build with ``tox -e docs``, or ``sphinx-build -W --keep-going -b html docs
docs/_build/html`` from the repository root. The gallery runs every
``examples/plot_*.py`` at build time (a few minutes on two cores); set
``SKMNISTNOISE_DOCS_PLOT=0`` to build without running them.
"""

import os
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
    "secondary_sidebar_items": ["page-toc"],
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
        "results_notes",
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
