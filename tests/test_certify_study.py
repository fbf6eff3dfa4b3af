"""Certification studies: trained per sigma, certified chunk by chunk, resumable.

Most tests use scikit-learn's LogisticRegression on the 8x8 digits (pixels
scaled to [0, 1]) with small ``n``: the study's machinery (store, chunks,
resumption, table, report, figure) does not depend on the classifier, and a
Keras classifier gets one end-to-end test through the command line.
"""

import csv
import json
import threading
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
from skmnistnoise._store import NotReproducibleError
from skmnistnoise.cli import main
from skmnistnoise.experiment import (
    CERTIFY_COLUMNS,
    CorruptRecordWarning,
    ResultStore,
    SweepResults,
    certify_study,
    smoothing_param_names,
)
from skmnistnoise.metrics import certified_accuracy
from skmnistnoise.plotting import CertifiedAccuracyDisplay
from skmnistnoise.references import GAUSSIAN_MNIST_500
from skmnistnoise.report import save_figures, write_report


@pytest.fixture(scope="module")
def data():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    return X[:600], y[:600], X[1500:1530], y[1500:1530]


def _smoother():
    # The logistic regression trained on noisy pixels: a pipeline's noise step,
    # set to sigma with the smoothing noise.
    base = make_pipeline(
        GaussianNoise(apply_to="train"), LogisticRegression(max_iter=300)
    )
    return NoiseAveragedClassifier(base, noise=GaussianNoise())


def _study(data, **kwargs):
    X_train, y_train, X_test, y_test = data
    params = {"sigmas": [0.25, 0.5], "n": 300, "chunk_size": 7, "random_state": 0}
    params.update(kwargs)
    return certify_study(_smoother(), X_train, y_train, X_test, y_test, **params)


def _certificates(results):
    return [
        (r["sigma"], r["seed"], r["certificate_prediction"], r["certificate_radius"])
        for r in results
    ]


def test_param_names_set_the_smoothing_and_the_training_noise():
    assert smoothing_param_names(_smoother()) == [
        "noise__scale",
        "estimator__gaussiannoise__scale",
    ]


def test_a_row_per_sigma_and_seed_that_matches_certify(data):
    X_train, y_train, X_test, y_test = data
    results = _study(data, seeds=[0, 1])
    assert [(r["sigma"], r["seed"]) for r in results] == [
        (0.25, 0),
        (0.5, 0),
        (0.25, 1),
        (0.5, 1),
    ]
    row = results.rows[0]
    assert row["sigma_params"] == ["noise__scale", "estimator__gaussiannoise__scale"]
    assert row["n_images"] == len(X_test) and (row["n"], row["n0"]) == (300, 100)
    # The same smoother, fitted and certified directly, gives the row's numbers.
    smoother = _smoother().set_params(
        noise__scale=0.25,
        estimator__gaussiannoise__scale=0.25,
        random_state=0,
        estimator__gaussiannoise__random_state=0,
        estimator__logisticregression__random_state=0,
        noise__random_state=0,
    )
    cert = smoother.fit(X_train, y_train).certify(X_test, n=300)
    assert np.array_equal(row["certificate_radius"], cert.radius)
    assert np.array_equal(row["certificate_prediction"], cert.prediction)
    expected = certified_accuracy(y_test, cert, row["certified_radii"])
    assert np.array_equal(row["certified_accuracy_at"], expected)
    assert row["test_accuracy"] == expected[0]


def test_a_row_holds_the_certification_columns_not_the_sweeps(data, tmp_path):
    results = _study(data, sigmas=[0.5])
    (row,) = results.rows
    assert list(row)[: len(CERTIFY_COLUMNS)] == list(CERTIFY_COLUMNS)
    assert (row["sigma"], row["n"], row["n0"], row["alpha"]) == (0.5, 300, 100, 0.001)
    # No sweep column pretends to be what it is not (sigma is not a "scale"
    # of a swept noise, the smoothing noise not an "additive" arm).
    assert not {"scale", "pixel_scale", "noise", "protocol", "fold"} & set(row)
    results.to_csv(tmp_path / "results.csv")
    with open(tmp_path / "results.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header[: len(CERTIFY_COLUMNS)] == list(CERTIFY_COLUMNS)


def test_n_jobs_gives_the_same_certificates_and_records(data, tmp_path):
    one = _study(data, seeds=[0, 1], store=tmp_path / "one", n_jobs=1)
    two = _study(data, seeds=[0, 1], store=tmp_path / "two", n_jobs=2)
    assert _certificates(two) == _certificates(one)
    assert [r["key"] for r in two] == [r["key"] for r in one]
    assert ResultStore(tmp_path / "two").keys() == ResultStore(tmp_path / "one").keys()
    assert (two.n_computed, two.n_cached) == (4, 0)
    # What the workers kept is read back: nothing is trained or certified again.
    again = _study(data, seeds=[0, 1], store=tmp_path / "two", n_jobs=1)
    assert (again.n_computed, again.n_cached) == (0, 4)
    assert _certificates(again) == _certificates(one)


def test_the_active_joblib_backend_runs_the_trainings_and_the_chunks(data, monkeypatch):
    # n_jobs=None follows joblib's configuration, as a sweep's fits do: inside
    # parallel_config(backend="dask") the cluster's workers run them.
    where = {"fit": set(), "certify": set()}
    fit, certify = NoiseAveragedClassifier.fit, NoiseAveragedClassifier.certify

    def fit_where(self, X, y, **kwargs):
        where["fit"].add(threading.get_ident())
        return fit(self, X, y, **kwargs)

    def certify_where(self, X, **kwargs):
        where["certify"].add(threading.get_ident())
        return certify(self, X, **kwargs)

    whole = _study(data)
    monkeypatch.setattr(NoiseAveragedClassifier, "fit", fit_where)
    monkeypatch.setattr(NoiseAveragedClassifier, "certify", certify_where)
    with joblib.parallel_config(backend="threading", n_jobs=2):
        results = _study(data)
    here = threading.get_ident()
    assert where["fit"] and here not in where["fit"]
    assert where["certify"] and here not in where["certify"]
    assert _certificates(results) == _certificates(whole)


def test_the_store_resumes_chunk_by_chunk_bit_for_bit(data, tmp_path, monkeypatch):
    store = tmp_path / "store"
    whole = _study(data)
    calls = []
    original = NoiseAveragedClassifier.certify

    def killed_after_two_chunks(self, X, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(len(X))
        return original(self, X, **kwargs)

    monkeypatch.setattr(NoiseAveragedClassifier, "certify", killed_after_two_chunks)
    with pytest.raises(KeyboardInterrupt):
        _study(data, store=store)
    monkeypatch.setattr(NoiseAveragedClassifier, "certify", original)
    # Two chunks and the trained classifier were kept: the resumed run trains
    # nothing for sigma 0.25 and certifies only its remaining 16 images.
    computed = []

    def counting(self, X, **kwargs):
        computed.append(len(X))
        return original(self, X, **kwargs)

    monkeypatch.setattr(NoiseAveragedClassifier, "certify", counting)
    resumed = _study(data, store=store)
    assert computed[:3] == [7, 7, 2] and sum(computed) == 16 + 30
    assert _certificates(resumed) == _certificates(whole)
    assert (resumed.n_computed, resumed.n_cached) == (2, 0)
    computed.clear()
    again = _study(data, store=store)
    assert computed == [] and (again.n_computed, again.n_cached) == (0, 2)
    assert _certificates(again) == _certificates(whole)


def test_other_settings_certify_afresh(data, tmp_path):
    store = tmp_path / "store"
    first = _study(data, store=store, sigmas=[0.25])
    n_records = len(ResultStore(store))
    other = _study(data, store=store, sigmas=[0.25], n=400)
    assert other.n_computed == 1 and other.rows[0]["n"] == 400
    # The trained classifier is shared; only the chunks are new.
    assert len(ResultStore(store)) == n_records + len(range(0, 30, 7))
    assert first.rows[0]["certificate_radius"] != other.rows[0]["certificate_radius"]


def test_a_tampered_chunk_or_classifier_file_is_not_used(data, tmp_path):
    store = tmp_path / "store"
    whole = _study(data, store=store, sigmas=[0.25])
    records = sorted(store.glob("*.json"))
    chunk = next(p for p in records if "radius" in json.loads(p.read_text())["result"])
    record = json.loads(chunk.read_text())
    record["result"]["radius"][0] = 99.0
    chunk.write_text(json.dumps(record))
    archive = next((store / "fitted").glob("*.zip"))
    archive.write_bytes(archive.read_bytes() + b"\0")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = _study(data, store=store, sigmas=[0.25])
    messages = [str(w.message) for w in caught if w.category is CorruptRecordWarning]
    assert any("checksum" in m and str(chunk) in m for m in messages), messages
    assert any(str(archive) in m for m in messages), messages
    assert _certificates(again) == _certificates(whole)


def test_a_resumed_study_reads_the_trained_smoother_back_without_pickle(
    data, tmp_path, monkeypatch
):
    store = tmp_path / "store"
    _study(data, store=store, sigmas=[0.25])
    assert [p.suffix for p in (store / "fitted").iterdir()] == [".zip"]
    fits = []
    original = NoiseAveragedClassifier.fit

    def fit_once(self, X, y, **kwargs):
        if fits:
            raise AssertionError("the stored smoother was trained again")
        fits.append(1)
        return original(self, X, y, **kwargs)

    monkeypatch.setattr(NoiseAveragedClassifier, "fit", fit_once)
    fresh = _study(data, sigmas=[0.25], n=400)  # trained: the one fit allowed
    # Another n: new chunks, certified by the smoother read from the archive.
    resumed = _study(data, store=store, sigmas=[0.25], n=400)
    assert resumed.n_computed == 1 and len(fits) == 1
    assert _certificates(resumed) == _certificates(fresh)


def test_a_smoother_that_cannot_be_kept_is_trained_again(data, tmp_path, monkeypatch):
    store = ResultStore(tmp_path / "store")

    def refuse(self, key, estimator):
        raise NotReproducibleError("not plain data")

    monkeypatch.setattr(ResultStore, "put_fitted", refuse)
    first = _study(data, store=store, sigmas=[0.25])
    assert not (store.path / "fitted").exists()
    fits = []
    original = NoiseAveragedClassifier.fit

    def counting(self, X, y, **kwargs):
        fits.append(1)
        return original(self, X, y, **kwargs)

    monkeypatch.setattr(NoiseAveragedClassifier, "fit", counting)
    again = _study(data, store=store, sigmas=[0.25])
    # Trained again, to the same weights: the stored chunks are used.
    assert len(fits) == 1 and (again.n_computed, again.n_cached) == (0, 1)
    assert _certificates(again) == _certificates(first)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"sigmas": [0.0]}, "'sigmas' parameter must hold finite scales > 0"),
        ({"sigmas": [0.5, 0.5]}, "'sigmas' parameter must be a non-empty"),
        ({"alpha": 1.5}, "'alpha' parameter"),
        ({"n": 0}, "'n' parameter"),
        ({"chunk_size": 0}, "'chunk_size' parameter"),
        ({"radii": [-1.0]}, "'radii' parameter"),
        ({"param_names": ["estimator__nope"]}, "'estimator__nope'"),
    ],
)
def test_bad_arguments_name_the_parameter(data, params, match):
    with pytest.raises(ValueError, match=match):
        _study(data, **params)


def test_the_table_aggregates_certified_accuracy_over_seeds(data):
    results = _study(data, seeds=[0, 1, 2], sigmas=[0.5])
    table = results.certified()
    assert len(table) == 3 * 7 and set(table.unique("radius")) == {
        0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0,
    }  # fmt: skip
    (at_half,) = [
        a
        for a in table.aggregate("certified_accuracy", by=("model", "sigma", "radius"))
        if a["radius"] == 0.5
    ]
    per_seed = [r["certified_accuracy_at"][2] for r in results]
    assert at_half["n"] == 3 and at_half["mean"] == pytest.approx(np.mean(per_seed))
    assert at_half["ci_low"] <= at_half["mean"] <= at_half["ci_high"]


def test_rows_of_the_old_shape_are_read_in_the_certification_columns(data, tmp_path):
    new = _study(data, seeds=[0, 1])
    # As certify_study wrote its rows before 0.3: sigma in the sweep's scale,
    # the images in n_test, beside noise, protocol, pixel_scale and fold.
    old = []
    for row in new:
        row = dict(row)
        sigma, n_images = row.pop("sigma"), row.pop("n_images")
        old.append(
            {
                **row,
                "noise": "additive",
                "protocol": "smoothing",
                "scale": sigma,
                "pixel_scale": sigma,
                "fold": 0,
                "n_test": n_images,
            }
        )
    (tmp_path / "results.json").write_text(json.dumps({"rows": old}))
    read = SweepResults.from_json(tmp_path / "results.json")
    assert read.rows == new.rows
    # So every reader reads them as it reads new ones.
    display = CertifiedAccuracyDisplay.from_results(read, sigma=0.5)
    assert display.curves[0]["label"] == "LogisticRegression, sigma 0.5, 2 seeds"


def test_the_committed_benchmark_rows_of_the_old_shape_are_read():
    path = Path(__file__).parents[1] / "benchmarks/results/certify-results.json"
    results = SweepResults.from_json(path)
    assert results.unique("sigma") == [0.25, 0.5, 1.0]
    assert results.unique("n_images") == [500] and not results.unique("scale")
    table = results.certified().aggregate(
        "certified_accuracy", by=("model", "sigma", "radius")
    )
    assert {(a["model"], a["sigma"]) for a in table} == {
        (m, s) for m in ("convnet", "lenet", "mlp") for s in (0.25, 0.5, 1.0)
    }


def test_report_figure_and_round_trip_through_results_json(data, tmp_path):
    results = _study(data, seeds=[0, 1])
    results.to_json(tmp_path / "results.json")
    again = SweepResults.from_json(tmp_path / "results.json")
    figures = save_figures(again, tmp_path)
    assert list(figures) == ["certified_accuracy"]
    text = write_report(again, tmp_path, settings={}, figures=figures).read_text()
    assert text.startswith("# Certified robustness: custom")
    assert "## Certified accuracy by model, sigma and radius" in text
    assert "Student's t 95% interval of the mean over seeds" in text
    assert "the largest radius any image can be certified at is 2.00 sigma" in text
    assert "## Accuracy by model, noise and scale" not in text  # no sweep rows
    assert "estimator__gaussiannoise__scale" in text  # what was set to sigma
    display = CertifiedAccuracyDisplay.from_results(again)
    labels = [c["label"] for c in display.curves]
    assert labels == [
        "LogisticRegression, sigma 0.25, 2 seeds",
        "LogisticRegression, sigma 0.5, 2 seeds",
    ]
    # Pooled over seeds, the curve at Cohen's radii is the mean of the rows'.
    curve = CertifiedAccuracyDisplay.from_results(
        again, radii=[0.0, 0.25, 0.5], sigma=0.5
    ).curves[0]
    rows = again.select(sigma=0.5)
    assert np.allclose(
        curve["accuracy"], np.mean([r["certified_accuracy_at"][:3] for r in rows], 0)
    )


def test_mnist_runs_are_set_beside_cohen_et_al(data, tmp_path):
    results = _study(data, dataset="mnist", sigmas=[0.5])
    text = write_report(results, tmp_path, settings={}).read_text()
    assert "| Gaussian LeNet, Jeong and Shin 2020 | 0.5 | 0.984 |" in text
    assert GAUSSIAN_MNIST_500[0.5][1.5] == 0.656
    with pytest.warns(FutureWarning, match="references.GAUSSIAN_MNIST_500"):
        from skmnistnoise.experiment import COHEN_MNIST
    assert COHEN_MNIST is GAUSSIAN_MNIST_500


def test_cli_certify_trains_per_sigma_certifies_and_resumes(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["certify", "--model", "mlp", "--sigmas", "0.25", "--n", "200",
            "--images", "9", "--chunk", "4", "--epochs", "1", "--out", str(out),
            "--n-jobs", "1", "--quiet"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "1 runs: 1 computed" in printed
    assert "mlp sigma 0.25 seed 0: 0: " in printed
    results = SweepResults.from_json(out / "results.json")
    (row,) = results.rows
    assert row["model"] == "mlp" and row["sigma_params"] == [
        "noise__scale",
        "estimator__train_noise__scale",
    ]
    assert len(row["certificate_radius"]) == 9 and row["n"] == 200
    assert (out / "certified_accuracy.png").stat().st_size > 0
    assert (out / "samples.png").stat().st_size > 0  # the images at each sigma
    report = (out / "report.md").read_text()
    assert "9 of 450, every 50" in report
    assert "| parallel fits (n_jobs) | 1 |" in report
    assert main(argv) == 0
    assert "1 runs: 0 computed, 1 read from" in capsys.readouterr().out
    assert (
        SweepResults.from_json(out / "results.json").rows[0]["certificate_radius"]
        == row["certificate_radius"]
    )
    # `report` rebuilds it from results.json.
    assert main(["report", str(out)]) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sigmas", "0"], "argument --sigmas: must be a finite number > 0"),
        (["--alpha", "1"], "argument --alpha: must be a number strictly between"),
        (["--images", "451"], "argument --images: the digits test set has 450"),
    ],
)
def test_cli_certify_refuses_bad_arguments(tmp_path, capsys, argv, message):
    assert main(["certify", "--out", str(tmp_path / "o"), *argv]) == 2
    assert message in capsys.readouterr().err


def test_runs_of_another_n_are_not_pooled_as_seeds(data, tmp_path):
    results = _study(data, sigmas=[0.5]) + _study(data, sigmas=[0.5], n=400)
    text = write_report(results, tmp_path, settings={}).read_text()
    assert "| 300 (100, alpha 0.001) | 1 |" in text
    assert "| 400 (100, alpha 0.001) | 1 |" in text
    curves = CertifiedAccuracyDisplay.from_results(results).curves
    assert [c["label"] for c in curves] == [
        "LogisticRegression, sigma 0.5, n=300",
        "LogisticRegression, sigma 0.5, n=400",
    ]
    # One sigma, one colour: the line style tells the two apart.
    assert curves[0]["color"] == curves[1]["color"]
    assert curves[0]["linestyle"] != curves[1]["linestyle"]


def test_random_state_takes_the_seeds_as_the_sweeps_do(data, tmp_path):
    # One convention with noise_sweep and run_study: a sequence of seeds is one
    # run per seed; seeds= is its deprecated spelling; None is the smoother's
    # own seeds, which a store refuses when they are None.
    several = _study(data, random_state=[0, 1])
    with pytest.warns(FutureWarning, match=r"use random_state=\[0, 1\]"):
        old = _study(data, seeds=[0, 1])
    assert _certificates(several) == _certificates(old)
    assert several.unique("seed") == [0, 1]
    with pytest.raises(ValueError, match="needs seeded runs"):
        _study(data, random_state=None, store=tmp_path / "store")


def test_an_undefended_network_trains_once_per_seed_for_every_sigma(
    data, tmp_path, monkeypatch
):
    # Without training noise, the smoothing sigma changes nothing a fit
    # sees: the sigmas of a seed share one training, each certified with its
    # own noise, stored under its own key, and a resumed study trains nothing.
    X_train, y_train, X_test, y_test = data
    smoother = NoiseAveragedClassifier(
        LogisticRegression(max_iter=300), noise=GaussianNoise()
    )
    fits = []
    original = LogisticRegression.fit

    def counting(self, X, y, **kwargs):
        fits.append(len(X))
        return original(self, X, y, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", counting)
    params = {"sigmas": [0.25, 1.0], "n": 300, "chunk_size": 10, "store": tmp_path}
    results = certify_study(
        smoother, X_train, y_train, X_test, y_test, random_state=[0, 1], **params
    )
    assert len(fits) == 2  # a training per seed, not per seed and sigma
    rows = {(r["seed"], r["sigma"]): r for r in results}
    for seed in (0, 1):
        small, large = rows[seed, 0.25], rows[seed, 1.0]
        assert small["key"] != large["key"]
        record = ResultStore(tmp_path).get(large["key"], required=("fit_time",))
        assert record["shares_training_of"] == small["key"]
    # The same certificates as a study of sigma 1 alone, which trains its own.
    alone = certify_study(
        smoother,
        X_train,
        y_train,
        X_test,
        y_test,
        random_state=[0, 1],
        **{**params, "sigmas": [1.0], "store": tmp_path / "alone"},
    )
    assert len(fits) == 4
    assert _certificates(alone) == [c for c in _certificates(results) if c[0] == 1.0]
    assert rows[0, 0.25]["certificate_radius"] != rows[0, 1.0]["certificate_radius"]
    # The defended smoother trains per sigma (its training noise is sigma).
    fits.clear()
    _study(data)
    assert len(fits) == 2
    fits.clear()
    again = certify_study(
        smoother, X_train, y_train, X_test, y_test, random_state=[0, 1], **params
    )
    assert fits == [] and again.n_cached == 4
    assert _certificates(again) == _certificates(results)
