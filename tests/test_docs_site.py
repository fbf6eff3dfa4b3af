"""The documentation site's own machinery, checked by small builds.

Links to other projects resolve offline from the committed inventories; the
API pages show skmnistnoise's own members and nothing of scikit-learn's
docstrings; the API reference lists no internal name; the results page says
"not run" where a fit is missing. Each builds a tiny Sphinx project in a few
seconds; ``tox -e docs`` builds the whole site.
"""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SPHINXEXT = DOCS / "sphinxext"

sphinx_build = pytest.importorskip("sphinx.cmd.build")


@pytest.fixture
def sphinxext(monkeypatch):
    monkeypatch.syspath_prepend(str(SPHINXEXT))
    yield
    for name in ("local_inventories", "api_members", "study_results"):
        sys.modules.pop(name, None)


def _build(tmp_path, conf, pages):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(SPHINXEXT)!r})\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n" + conf
    )
    for name, text in pages.items():
        (src / f"{name}.rst").write_text(text)
    rc = sphinx_build.build_main(["-W", "-q", "-b", "html", str(src), str(out)])
    assert rc == 0, "the test project did not build cleanly (warnings are errors)"
    return {name: (out / f"{name}.html").read_text(encoding="utf-8") for name in pages}


# --------------------------------------------------------------------------
# Links to other projects, offline


def test_committed_inventories_parse_and_load_in_sphinx(sphinxext):
    from local_inventories import compress_inventory, read_inventory_text
    from sphinx.util.inventory import InventoryFile

    files = sorted((DOCS / "inventories").glob("*.txt"))
    names = {p.stem for p in files}
    assert {"sklearn", "numpy", "matplotlib", "joblib", "keras"} <= names
    for path in files:
        fields, lines = read_inventory_text(path)
        assert fields["URL"].startswith("https://") and fields["URL"].endswith("/")
        inventory = InventoryFile.loads(
            compress_inventory(fields, lines), uri=fields["URL"]
        )
        # {objtype: {name: item}}; the item a tuple before Sphinx 8.2.
        data = getattr(inventory, "data", inventory)
        items = [
            (name, item) for by_name in data.values() for name, item in by_name.items()
        ]
        assert len(items) == len(lines), f"{path.name}: duplicate or lost lines"
        for name, item in items:
            uri = getattr(item, "uri", None) or item[2]
            assert uri.startswith(fields["URL"]), (path.name, name)


def test_malformed_inventory_line_is_an_error_naming_the_line(sphinxext, tmp_path):
    from local_inventories import read_inventory_text

    bad = tmp_path / "bad.txt"
    bad.write_text("# Project: x\n# Version: 1\n# URL: https://x.org/\nname py:class\n")
    with pytest.raises(ValueError, match=r"bad\.txt:4: expected"):
        read_inventory_text(bad)


def test_references_to_other_projects_resolve_without_network(tmp_path):
    page = (
        "Links\n=====\n\n"
        ":class:`~sklearn.pipeline.Pipeline`, :class:`joblib.parallel_config`, "
        ":class:`numpy.random.Generator`, :class:`matplotlib.figure.Figure`, "
        ":class:`keras.Model`.\n"
    )
    conf = (
        "extensions = ['local_inventories']\n"
        f"local_inventories_dir = {str(DOCS / 'inventories')!r}\n"
        "intersphinx_timeout = 0.001\n"
    )
    html = _build(tmp_path, conf, {"index": page})["index"]
    for url in (
        "https://scikit-learn.org/stable/modules/generated/"
        "sklearn.pipeline.Pipeline.html#sklearn.pipeline.Pipeline",
        "https://joblib.readthedocs.io/en/stable/generated/joblib.parallel_config.html",
        "https://numpy.org/doc/stable/reference/random/generator.html"
        "#numpy.random.Generator",
        "https://matplotlib.org/stable/api/_as_gen/matplotlib.figure.Figure.html",
        "https://keras.io/api/models/model/",
    ):
        assert f'href="{url}' in html, url


# --------------------------------------------------------------------------
# API pages: our own words only


def test_inherited_members_are_credited_to_public_classes(sphinxext):
    from api_members import inherited_members

    from skmnistnoise import GaussianNoise, GlobalStandardScaler

    inherited = inherited_members(GaussianNoise)
    assert "get_feature_names_out" in inherited["sklearn.base.OneToOneFeatureMixin"]
    # set_output is skmnistnoise's own (it names the pandas extra): documented.
    assert "set_output" not in {n for names in inherited.values() for n in names}
    assert {"get_params", "set_params", "get_metadata_routing"} <= set(
        inherited["sklearn.base.BaseEstimator"]
    )
    listed = {n for names in inherited.values() for n in names}
    # Defined by skmnistnoise (on the private _BaseNoise): documented, not listed.
    assert not listed & {"fit", "transform", "fit_transform"}
    assert not any(name.endswith("_request") for name in listed)
    # GlobalStandardScaler does not define fit_transform: scikit-learn's.
    assert (
        "fit_transform"
        in inherited_members(GlobalStandardScaler)["sklearn.base.TransformerMixin"]
    )


def test_class_page_shows_own_members_and_no_scikit_learn_text(tmp_path):
    conf = (
        "extensions = ['sphinx.ext.autodoc', 'numpydoc', 'local_inventories',"
        " 'api_members']\n"
        "numpydoc_show_class_members = False\n"
        "autodoc_typehints = 'none'\n"
        f"local_inventories_dir = {str(DOCS / 'inventories')!r}\n"
    )
    template = (DOCS / "_templates" / "class.rst").read_text(encoding="utf-8")
    # The template of the API pages, without the gallery's minigallery.
    directive = template.split(".. minigallery::")[0]
    directive = directive.replace('{{ objname | escape | underline(line="=") }}', "")
    directive = directive.replace("{{ module }}", "skmnistnoise")
    directive = directive.replace("{{ objname }}", "GaussianNoise")
    # The docstrings refer to the site's glossary (:term:`fit`).
    glossary = "\n.. glossary::\n\n   fit\n      Learn.\n"
    page = "GaussianNoise\n=============\n" + directive + glossary
    html = _build(tmp_path, conf, {"index": page})["index"]
    text = re.sub(r"<[^>]+>", "", html)
    for own in ("GaussianNoise.fit", "GaussianNoise.transform"):
        assert f'id="skmnistnoise.{own}"' in html, own
    for foreign in ("get_params", "set_params", "get_metadata_routing"):
        assert f'id="skmnistnoise.GaussianNoise.{foreign}"' not in html, foreign
    for boilerplate in ("sphx_glr_", "Added in version", "User Guide"):
        assert boilerplate not in text, boilerplate
    assert "Inherited members" in text
    assert "sklearn.base.BaseEstimator.html" in html  # the credit is a link


def test_api_reference_lists_no_internal_name():
    api = (DOCS / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s+(\w+)$", api, flags=re.M))
    assert not listed & {"canonical", "digest_arrays", "build_parser", "UsageError"}
    assert "skmnistnoise._" not in api


@pytest.fixture
def conf(monkeypatch):
    """docs/conf.py's names, without its changes to sys.path and os.environ."""
    import os
    import runpy

    monkeypatch.setattr(sys, "path", list(sys.path))
    for name, default in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("MPLBACKEND", "Agg")):
        monkeypatch.setenv(name, os.environ.get(name, default))
    return runpy.run_path(str(DOCS / "conf.py"))


PRIVATE_MODULE = re.compile(r"``(skmnistnoise\.)?_[A-Za-z]")


def test_module_docstrings_in_the_api_reference_name_no_private_module(conf):
    import importlib
    import inspect

    api = (DOCS / "api.rst").read_text(encoding="utf-8")
    modules = re.findall(r"^\.\. automodule:: (\S+)", api, flags=re.M)
    assert "skmnistnoise.experiment" in modules
    shown = {}
    for name in modules:
        lines = inspect.cleandoc(importlib.import_module(name).__doc__).splitlines()
        conf["drop_private_module_map"](None, "module", name, None, {}, lines)
        shown[name] = " ".join(" ".join(lines).split())
        assert not PRIVATE_MODULE.search(shown[name]), name
    # What is said of the public names stays.
    assert ":func:`noise_sweep` is :func:`sklearn." in shown["skmnistnoise.experiment"]
    assert "start several worker processes" in shown["skmnistnoise.cluster"]


def test_private_module_map_rules(conf):
    lines = [
        "Intro, with :func:`f`. Each lives in a module of its own:",
        "",
        "* ``skmnistnoise._a``: one;",
        "* ``_b``: two.",
        "",
        "Kept (a reason, see ``_c.LOCK``) here. Gone, in ``_d``. Kept too.",
        "",
        ">>> 1 + 1  # a doctest is never touched, ``_e``",
        "2",
    ]
    conf["drop_private_module_map"](None, "module", "skmnistnoise.x", None, {}, lines)
    assert lines == [
        "Intro, with :func:`f`.",
        "",
        "Kept (a reason) here. Kept too.",
        "",
        ">>> 1 + 1  # a doctest is never touched, ``_e``",
        "2",
        "",
    ]
    # Class docstrings are left as they are.
    lines = ["See ``_a``."]
    conf["drop_private_module_map"](None, "class", "skmnistnoise.X", None, {}, lines)
    assert lines == ["See ``_a``."]


# --------------------------------------------------------------------------
# Pages for readers


def test_no_page_shows_a_repository_file_as_committed():
    # The benchmarks' Markdown notes were once shown raw; the results page
    # renders their numbers instead (study_results).
    for page in DOCS.rglob("*.rst"):
        if "_build" in page.parts or "auto_examples" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"(literalinclude|include)::.*\.\./", text), page
        assert ":ref:`results_notes`" not in text, page


def test_gallery_examples_have_no_page_table_of_contents(conf):
    items = conf["html_theme_options"]["secondary_sidebar_items"]
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    assert examples
    for example in examples:
        assert items[f"auto_examples/{example.stem}"] == [], example.name
    assert items["**"] == ["page-toc"]


# --------------------------------------------------------------------------
# The command-line page


def test_cli_page_shows_every_command_s_help_unwrapped(sphinxext):
    import argparse

    from cli_help import WIDTH, help_text

    from skmnistnoise.cli import build_parser

    page = (DOCS / "user_guide" / "cli.rst").read_text(encoding="utf-8")
    (subparsers,) = [
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ]
    for command in subparsers.choices:
        # In the container whose CSS never wraps a line (so never cuts a word).
        directive = f"\n.. container:: cli-help\n\n   .. cli-help:: {command}\n"
        assert directive in page, command
        lines = help_text(command).splitlines()
        # _static/skmnistnoise.css: the column holds 81 characters at 1280 px.
        assert max(map(len, lines)) <= 81, command
        # Words are never split at a hyphen (``scikit-`` / ``learn``).
        assert not [line for line in lines if re.search(r"\w-$", line)], command
        # Prose (not the usage, not the indented examples) fits the width.
        prose = [line for line in lines if line[:1].strip() and "usage:" not in line]
        assert max(map(len, prose)) <= WIDTH, command


# --------------------------------------------------------------------------
# The results page


def _results_page(tmp_path, monkeypatch, name, data):
    """The HTML of a page with ``.. study-results:: name`` over ``data``."""
    results = tmp_path / "results"
    results.mkdir()
    (results / f"{name}.json").write_text(json.dumps(data))
    monkeypatch.setenv("SKMNISTNOISE_RESULTS_DIR", str(results))
    conf = "extensions = ['study_results']\n"
    page = f"R\n=\n\n.. study-results:: {name}\n"
    return _build(tmp_path, conf, {"index": page})["index"]


def test_results_page_says_not_run_for_a_missing_fit(tmp_path, monkeypatch):
    records = [
        {
            "model": model,
            "noise": noise,
            "protocol": protocol,
            "scale": scale,
            "pixel_scale": scale,
            "train_accuracy": 0.99,
            "test_accuracy": 0.9,
            "epochs": 2,
            "seed": 0,
            "wall_s": 10.0,
        }
        for model, noise, protocol, scales in (
            ("convnet", "additive", "notebooks", (0.0, 0.5, 1.0, 4.0)),
            ("convnet", "speckle", "pixel", (0.5, 4.0)),  # scale 1 not run
        )
        for scale in scales
    ]
    html = _results_page(tmp_path, monkeypatch, "notebooks", {"records": records})
    # The speckle column at scale 1, and its row in the speckle arm's table.
    assert html.count("not run") >= 3
    assert "seed 0" in html  # the seed of every arm is stated


def test_results_page_gives_one_row_per_configuration_over_its_seeds(
    tmp_path, monkeypatch
):
    def run(recipe, seed, soft):
        evaluations = [
            {"draws": 1, "voting": "soft", "test_accuracy": soft - 0.01},
            {"draws": 100, "voting": "soft", "test_accuracy": soft},
            {"draws": 100, "voting": "hard", "test_accuracy": soft},
        ]
        return {"model": "convnet", "recipe": recipe, "sigma": 0.5, "seed": seed,
                "epochs": 12, "fit_s": 100.0 * (seed + 1),
                "evaluations": evaluations}  # fmt: skip

    smoothing = [run("adam-no-dropout", s, a) for s, a in enumerate((0.98, 0.99))]
    smoothing.append(run("adam", 0, 0.97))
    html = _results_page(tmp_path, monkeypatch, "beyond", {"smoothing": smoothing})
    text = re.sub(r"<[^>]+>", " ", html)
    # The two seeds: one row, their mean and its t interval; the one seed: bare.
    assert "0.9850 [" in text and text.count("0.9850") == 2  # soft and hard
    assert re.search(r"0\s*,\s*1", text)  # the seeds of the row
    assert "0.9700" in text and "0.9700 [" not in text
    assert "0.9800" not in text  # no row per seed
    assert "2m30s" in text  # the fit time: the mean over the seeds
