"""The documentation's promises, checked fast: docstrings, examples, extensions.

Every public name has a numpydoc docstring with an Examples section that
runs (the doctests themselves run with the suite, ``--doctest-modules``) and
a place in the API reference; every gallery example has the structure of a
short story; the results page renders committed result files when they are
there and says so when they are not. Nothing here runs an example or builds
the whole site: ``tox -e docs`` does.
"""

import ast
import importlib
import inspect
import json
import re
import sys
import warnings
from pathlib import Path

import pytest
from numpydoc.docscrape import NumpyDocString

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
PUBLIC_MODULES = (
    "skmnistnoise",
    "skmnistnoise.corruptions",
    "skmnistnoise.datasets",
    "skmnistnoise.experiment",
    "skmnistnoise.metrics",
    "skmnistnoise.plotting",
    "skmnistnoise.references",
    "skmnistnoise.report",
    "skmnistnoise.cli",
    "skmnistnoise.cluster",
)


def _public_names():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name != "__version__":
                yield module_name, name, getattr(module, name)


PUBLIC = list(_public_names())
CALLABLES = [
    pytest.param(obj, id=f"{module}.{name}")
    for module, name, obj in PUBLIC
    if inspect.isclass(obj) or inspect.isfunction(obj)
]


@pytest.mark.parametrize("obj", CALLABLES)
def test_public_name_has_numpydoc_docstring_with_examples(obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{obj.__qualname__} has no docstring"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpydoc warns on unknown sections
        parsed = NumpyDocString(doc)
    assert parsed["Summary"], f"{obj.__qualname__}: no one-line summary"
    examples = "\n".join(parsed["Examples"])
    running = [
        line
        for line in examples.splitlines()
        if line.lstrip().startswith(">>>") and "doctest: +SKIP" not in line
    ]
    assert running, f"{obj.__qualname__}: no Examples line that runs as a doctest"
    signature_params = []
    if inspect.isfunction(obj):
        signature_params = [
            p.name
            for p in inspect.signature(obj).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
    documented = " ".join(p.name for p in parsed["Parameters"])
    for name in signature_params:
        assert name in documented, f"{obj.__qualname__}: parameter {name} undocumented"


def test_every_public_name_is_in_the_api_reference():
    api = (DOCS / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s+(\w+)$", api, flags=re.M))
    listed |= set(re.findall(r"^\.\. autodata:: (\w+)", api, flags=re.M))
    missing = [f"{m}.{n}" for m, n, _ in PUBLIC if n not in listed]
    assert not missing, f"not in docs/api.rst: {missing}"


def test_public_constants_have_doc_comments():
    # autodata documents a constant from its "#:" comment.
    for module_name, name, obj in PUBLIC:
        if inspect.isclass(obj) or callable(obj):
            continue
        source = inspect.getsource(importlib.import_module(module_name))
        assert re.search(rf"^#: .+\n(#: .*\n)*{name} = ", source, flags=re.M), (
            f"{module_name}.{name} has no '#:' doc comment"
        )


# --------------------------------------------------------------------------
# The gallery


def test_there_are_examples():
    assert len(EXAMPLES) >= 7


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_a_short_story(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    # A title docstring: the title between two lines of "=" of its length,
    # then at least one paragraph.
    doc = ast.get_docstring(tree, clean=False)
    assert doc, "no module docstring"
    lines = doc.strip("\n").splitlines()
    assert set(lines[0]) == {"="} and set(lines[2]) == {"="}, "no underlined title"
    assert len(lines[0]) >= len(lines[1].strip()) and lines[0] == lines[2]
    assert any(line.strip() for line in lines[3:]), "no introduction"
    # Cells with prose between them.
    cells = source.split("\n# %%")
    assert len(cells) >= 4, "fewer than three '# %%' cells"
    prose_cells = [c for c in cells[1:] if re.match(r"\n# \S", c)]
    assert len(prose_cells) >= 2, "cells without prose"
    # A fixed seed, an int, at module level.
    seeds = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "RANDOM_STATE" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    ]
    assert seeds and isinstance(seeds[0], int), "no RANDOM_STATE = <int>"
    assert "RANDOM_STATE" in source.split("RANDOM_STATE =", 1)[1], "seed unused"
    # Offline data: the embedded digits, or MNIST's files where the example
    # says so (MNIST-C's corruptions need 28 x 28 digits): read from the
    # folder $SKMNISTNOISE_DATA names, which the documentation build sets.
    called = {
        getattr(node.func, "id", getattr(node.func, "attr", None))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    if called & {"fetch_mnist", "fetch_fashion_mnist"}:
        assert "SKMNISTNOISE_DATA" in doc, "reads MNIST without saying from where"
    else:
        assert "load_digits" in source or 'dataset="digits"' in source
    assert "plt.show()" not in source


def test_gallery_order_lists_every_example():
    sys.path.insert(0, str(DOCS / "sphinxext"))
    try:
        from gallery_order import ORDER
    finally:
        sys.path.remove(str(DOCS / "sphinxext"))
    assert sorted(ORDER) == sorted(p.name for p in EXAMPLES)


# --------------------------------------------------------------------------
# The results page


def _fake_notebooks_json():
    """A small notebooks.json in the format benchmarks/reproduce_notebooks.py writes."""
    records = []
    arms = [("mlp", "additive", "notebooks"), ("convnet", "additive", "notebooks")]
    arms.append(("convnet", "multiplicative", "notebooks"))  # no scale 0 of its own
    for model, noise, protocol in arms:
        for scale, accuracy in ((0.0, 0.98), (1.0, 0.9), (4.0, 0.4)):
            if noise == "multiplicative" and scale == 0:
                continue
            records.append(
                {
                    "model": model,
                    "noise": noise,
                    "protocol": protocol,
                    "scale": scale,
                    "pixel_scale": scale * (0.31 if model == "mlp" else 1.0),
                    "train_accuracy": accuracy + 0.01,
                    "test_accuracy": accuracy,
                    "test_loss": 1 - accuracy,
                    "epochs": 2,
                    "seed": 0,
                    "wall_s": 12.5,
                    "epoch_train_accuracy": [accuracy - 0.1, accuracy],
                    "epoch_test_accuracy": [accuracy - 0.05, accuracy],
                }
            )
    return {"versions": {"python": "3.11", "skmnistnoise": "0.1.0"}, "records": records}


def _build_results_page(tmp_path, results_dir, monkeypatch):
    sphinx_build = pytest.importorskip("sphinx.cmd.build")
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(DOCS / 'sphinxext')!r})\n"
        "extensions = ['study_results']\n"
    )
    (src / "index.rst").write_text(
        "Results\n=======\n\n.. study-results:: notebooks\n\n"
        ".. study-results:: beyond\n\n.. study-results:: certify\n"
    )
    monkeypatch.setenv("SKMNISTNOISE_RESULTS_DIR", str(results_dir))
    rc = sphinx_build.build_main(["-W", "-q", "-b", "html", str(src), str(out)])
    assert rc == 0, "the results page did not build cleanly"
    return (out / "index.html").read_text(encoding="utf-8"), out


def test_results_page_without_result_files(tmp_path, monkeypatch):
    empty = tmp_path / "results"
    empty.mkdir()
    page, _ = _build_results_page(tmp_path, empty, monkeypatch)
    assert page.count("not committed yet") == 3
    assert "notebooks.json" in page and "beyond.json" in page
    assert "certify.json" in page


def test_results_page_renders_seeds_and_certificates(tmp_path, monkeypatch, digits):
    from sklearn.linear_model import LogisticRegression

    from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
    from skmnistnoise.experiment import certify_study

    results = tmp_path / "results"
    results.mkdir()
    notebooks = _fake_notebooks_json()
    notebooks["records"] += [
        {**r, "seed": 1, "test_accuracy": r["test_accuracy"] - 0.02}
        for r in notebooks["records"]
        if r["model"] == "mlp"
    ]
    (results / "notebooks.json").write_text(json.dumps(notebooks))
    smoother = NoiseAveragedClassifier(LogisticRegression(), noise=GaussianNoise())
    X, y = digits.data, digits.target
    table = certify_study(
        smoother, X[:300], y[:300], X[300:320], y[300:320], sigmas=[0.5], n=200,
        dataset="mnist",
    )  # fmt: skip
    table.to_json(results / "certify-results.json")
    row = table.rows[0]
    run = {
        "model": row["model"], "sigma": 0.5, "n": 200, "n_images": 20, "epochs": 1,
        "acr": row["acr"], "fit_s": 1.0, "certify_s": 2.0, "alpha": 0.001,
        "recipe": "consistency", "precision": "bfloat16", "seed": 0,
        "certified_accuracy": {
            f"{r:g}": a
            for r, a in zip(row["certified_radii"], row["certified_accuracy_at"])
        },
    }  # fmt: skip
    (results / "certify.json").write_text(json.dumps({"runs": [run]}))
    page, out = _build_results_page(tmp_path, results, monkeypatch)
    # The MLP's cells are the mean of its two seeds, with their interval.
    assert "0.9700 [" in page and "(2 seeds)" in page
    # The published baseline under its true name, not as Cohen et al.'s table.
    assert "LeNet, Jeong and Shin (2020)" in page and "0.656" in page
    assert "Cohen et al. (LeNet" not in page
    assert f"{row['certified_accuracy_at'][0]:.3f}" in page
    # Each run's training in the row: recipe and precision.
    assert "consistency" in page and "bfloat16" in page
    image = out / "_images" / "certify_certified_accuracy.png"
    assert image.stat().st_size > 1000
    # A panel per model, wide enough that the legend beside it leaves the
    # axes most of the width (the figure of one axes was 7 inches wide).
    import matplotlib.image

    assert matplotlib.image.imread(image).shape[1] >= 1100


def test_results_page_renders_committed_files(tmp_path, monkeypatch):
    results = tmp_path / "results"
    results.mkdir()
    (results / "notebooks.json").write_text(json.dumps(_fake_notebooks_json()))
    page, out = _build_results_page(tmp_path, results, monkeypatch)
    assert "not committed yet" in page  # beyond.json is still absent
    # The table holds the file's numbers and the notebooks' own beside them.
    assert "0.9000" in page and "(0.8462)" in page and "(0.9562)" in page
    # The multiplicative arm's scale 0 is the additive arm's clean fit, marked.
    assert "0.9800* (0.9926)" in page
    images = sorted(p.name for p in (out / "_images").glob("notebooks_*.png"))
    assert images == [
        "notebooks_all_vs_pixel_scale.png",
        "notebooks_model_comparison.png",
        "notebooks_notebooks_vs_scale.png",
        "notebooks_per_epoch.png",
    ]
    assert all((out / "_images" / name).stat().st_size > 1000 for name in images)


def test_results_page_draws_the_smoothing_figure_over_seeds(tmp_path, monkeypatch):
    def run(model, recipe, sigma, seed, soft):
        evaluations = [
            {"draws": 1, "voting": "soft", "test_accuracy": soft - 0.1},
            {"draws": 10, "voting": "soft", "test_accuracy": soft - 0.01},
            {"draws": 10, "voting": "hard", "test_accuracy": soft - 0.02},
            {"draws": 100, "voting": "soft", "test_accuracy": soft},
            {"draws": 100, "voting": "hard", "test_accuracy": soft - 0.005},
        ]
        return {"model": model, "recipe": recipe, "sigma": sigma, "seed": seed,
                "epochs": 12, "fit_s": 60.0, "evaluations": evaluations}  # fmt: skip

    smoothing = [run("convnet", "adam", 0.5, s, 0.98 + s / 1000) for s in (0, 1)]
    smoothing += [run("mlp", "adam", 1.0, 0, 0.9)]  # no MLP at 0.5: "not run"
    results = tmp_path / "results"
    results.mkdir()
    (results / "beyond.json").write_text(json.dumps({"smoothing": smoothing}))
    page, out = _build_results_page(tmp_path, results, monkeypatch)
    assert "the band Student's t 95% interval of that mean" in page
    image = out / "_images" / "beyond_smoothing.png"
    assert image.stat().st_size > 1000


# --------------------------------------------------------------------------
# The extensions use skmnistnoise's public names only


@pytest.mark.parametrize(
    "path", sorted((DOCS / "sphinxext").glob("*.py")), ids=lambda p: p.name
)
def test_extension_uses_public_names_only(path):
    source = path.read_text(encoding="utf-8")
    forbidden = r"skmnistnoise\._|sys\.path|spec_from_file_location|SourceFileLoader"
    assert not re.findall(forbidden, source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "skmnistnoise"
        ):
            parts = node.module.split(".")[1:] + [a.name for a in node.names]
            assert not [p for p in parts if p.startswith("_")], node.module


def test_results_page_certify_rows_name_the_training_and_stop_at_max_r(
    tmp_path, monkeypatch
):
    monkeypatch.syspath_prepend(str(DOCS / "sphinxext"))
    from study_results import render_certify

    run = {
        "model": "convnet", "recipe": "adam", "precision": "bfloat16", "seed": 2,
        "undefended": True, "sigma": 0.5, "n": 200, "alpha": 0.001,
        "n_images": 20, "epochs": 1, "acr": 0.3, "fit_s": 1.0, "certify_s": 2.0,
        "certified_accuracy": {"0": 0.9, "0.25": 0.8, "0.5": 0.7, "0.75": 0.0},
    }  # fmt: skip
    lines = render_certify({"runs": [run]}, None, tmp_path)
    start = lines.index("   * - ConvNet")
    cells = [line.removeprefix("     - ") for line in lines[start + 1 : start + 13]]
    assert cells[:3] == ["adam, bfloat16, undefended, 1 epoch", "0.5", "2"]
    # n = 200 draws at alpha 0.001 certify at most 1.83 sigma, 0.92 here:
    # from r = 1 on nothing can be certified, and the cells say so.
    assert cells[3:10] == ["0.900", "0.800", "0.700", "0.000", r"\-", r"\-", r"\-"]
    assert cells[10:] == ["0.300", "200"]
    sys.modules.pop("study_results", None)


def test_results_page_figure_keeps_an_undefended_run_apart(monkeypatch):
    monkeypatch.syspath_prepend(str(DOCS / "sphinxext"))
    from study_results import certify_curve_rows

    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.plotting import CertifiedAccuracyDisplay

    row = {
        "model": "convnet", "recipe": "adam-no-dropout", "sigma": 0.5, "seed": 0,
        "n": 200, "n0": 10, "alpha": 0.001, "certificate_label": [0, 1],
        "certificate_prediction": [0, 1], "certificate_radius": [0.4, 0.2],
        "certificate_abstained": [False, False],
    }  # fmt: skip
    rows = SweepResults([row, {**row, "undefended": True}])
    curves = CertifiedAccuracyDisplay.from_results(certify_curve_rows(rows)).curves
    # Two curves, not one of "2 seeds".
    assert [c["label"] for c in curves] == [
        "ConvNet, adam-no-dropout, sigma 0.5",
        "ConvNet, adam-no-dropout, undefended, sigma 0.5",
    ]
    sys.modules.pop("study_results", None)
