"""What is on disk can be trusted: the result store and atomic files.

A record is used only if it is whole, belongs to its key and matches its
checksum; anything else is reported (a warning naming the file) and computed
again. A writer killed mid-file leaves at most a hidden temporary file that no
reader takes for a result and that a later write cleans up.
"""

import enum
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmnistnoise import ConvNetClassifier, GaussianNoise, MLPClassifier
from skmnistnoise._files import atomic_write, remove_stale_temporaries
from skmnistnoise._store import (
    CorruptRecordWarning,
    NotReproducibleError,
    ResultStore,
    _checksum,
    _shape_problem,
    canonical,
    record_problem,
)
from skmnistnoise.experiment import SweepResults, make_study_pipeline, noise_sweep

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULT = {"test_accuracy": 0.9731, "epoch_test_accuracy": [0.5, 0.75], "n": 3}


@pytest.fixture
def store(tmp_path):
    return ResultStore(tmp_path / "store")


def _record_file(store, key):
    return store.path / f"{key}.json"


def _rewrite(path, change):
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record))


def test_a_record_reads_back_whole_and_alone(store):
    key = store.key({"scale": 0.5})
    store.put(key, RESULT, spec={"scale": 0.5})
    assert store.get(key) == RESULT
    assert [p.name for p in store.path.iterdir()] == [f"{key}.json"]
    assert key in store and store.keys() == [key] and len(store) == 1


def _other_key(record):
    record["key"] = "0" * 64


def _edited_result(record):
    record["result"]["test_accuracy"] = 0.99


CORRUPTIONS = {
    "half-written": (lambda p: p.write_text(p.read_text()[:40]), "not readable JSON"),
    "not-utf8": (lambda p: p.write_bytes(b"\xff\xfe" * 20), "not readable JSON"),
    "a-list": (lambda p: p.write_text("[1, 2]"), "not a record of this store"),
    "other-key": (lambda p: _rewrite(p, _other_key), "holds the record of key '000"),
    "edited-result": (
        lambda p: _rewrite(p, _edited_result),
        "does not match its checksum",
    ),
}


@pytest.mark.parametrize("damage, why", CORRUPTIONS.values(), ids=CORRUPTIONS)
def test_a_damaged_record_is_reported_by_file_and_never_used(store, damage, why):
    key = store.key({"scale": 1.0})
    store.put(key, RESULT)
    path = _record_file(store, key)
    damage(path)
    with pytest.warns(CorruptRecordWarning, match=why) as record:
        assert store.get(key) is None
        assert key not in store
    assert str(path) in str(record[0].message)
    # The next put of the key replaces it.
    store.put(key, RESULT)
    assert store.get(key) == RESULT


def _resealed(change):
    """Change a record's result and give it the checksum of its new result."""

    def rewrite(record):
        record["result"] = change(record["result"])
        record["checksum"] = _checksum(record["result"])

    return rewrite


def _accuracy_edited_checksum_removed(record):
    record["result"]["test_accuracy"] = 0.999
    del record["checksum"]


def _other_format(record):
    record["format"] = 0


def _edited_spec(record):
    record["spec"]["scale"] = 4.0


# Records that were whole, of another key's file or checksum-consistent: none
# is used, each is reported by file.
UNTRUSTED = {
    "checksum-removed": (
        _accuracy_edited_checksum_removed,
        "it has no checksum, so its result cannot be verified",
    ),
    "format-missing": (lambda r: r.pop("format"), "it is of format None"),
    "format-other": (_other_format, "it is of format 0, and this version"),
    "spec-edited": (_edited_spec, "its spec is not the definition of its key"),
    "result-a-list": (
        _resealed(lambda result: [result]),
        "its result is a JSON list, not an object of measurements",
    ),
    "result-a-string": (
        _resealed(lambda result: "0.97"),
        "its result is a JSON str, not an object",
    ),
    "result-without-accuracies": (
        _resealed(lambda result: {"n": 3}),
        "its result holds no test_accuracy",
    ),
    "accuracy-not-a-number": (
        _resealed(lambda result: {**result, "test_accuracy": "high"}),
        "its result's test_accuracy='high' is not an accuracy in \\[0, 1\\]",
    ),
    "accuracy-above-1": (
        _resealed(lambda result: {**result, "epoch_test_accuracy": [0.5, 1.5]}),
        "epoch_test_accuracy=1.5 is not an accuracy",
    ),
}


@pytest.mark.parametrize("damage, why", UNTRUSTED.values(), ids=UNTRUSTED)
def test_a_record_that_is_not_complete_and_checksummed_is_never_used(
    store, damage, why
):
    spec = {"scale": 2.0}
    key = store.key(spec)
    store.put(key, RESULT, spec)
    path = _record_file(store, key)
    _rewrite(path, damage)
    with pytest.warns(CorruptRecordWarning, match=why) as record:
        assert store.get(key) is None
    assert f"Ignoring the stored record {path}: " in str(record[0].message)
    store.put(key, RESULT, spec)
    assert store.get(key) == RESULT


def test_a_record_holds_the_fields_its_reader_requires(store):
    key = store.key({"scale": 0.5})
    store.put(key, RESULT)
    assert store.get(key, required=("n",)) == RESULT
    with pytest.warns(CorruptRecordWarning, match="its result lacks 'fold'"):
        assert store.get(key, required=("fold",)) is None


def test_evaluations_of_several_settings_are_a_result(store):
    # benchmarks/beyond.py stores one test_accuracy per number of draws.
    result = {"model": "mlp", "evaluations": [{"draws": 1, "test_accuracy": 0.9}]}
    key = store.key({"what": "smoothing"})
    store.put(key, result)
    assert store.get(key) == result
    nothing_measured = {**result, "evaluations": [{"draws": 1}]}
    assert "holds no test_accuracy" in _shape_problem(nothing_measured)


def test_a_sweep_ignores_a_resealed_record_of_the_wrong_shape(digits, tmp_path):
    pipe = make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(4,), random_state=0)
    X, y = digits.data[:200], digits.target[:200]

    def sweep():
        return noise_sweep(pipe, X, y, param_range=[0.5], cv=2, store=tmp_path)

    first = sweep()
    damaged = _record_file(ResultStore(tmp_path), first.rows[0]["key"])
    _rewrite(damaged, _resealed(lambda row: [row]))
    with pytest.warns(CorruptRecordWarning, match=re.escape(str(damaged))):
        second = sweep()
    assert (second.n_computed, second.n_cached) == (1, 1)
    assert [r["test_accuracy"] for r in second.rows] == [
        r["test_accuracy"] for r in first.rows
    ]


# -- keys ---------------------------------------------------------------------------


def test_keys_name_classes_by_their_public_names():
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", LogisticRegression())])
    steps = canonical(pipe)["params"]["steps"]
    assert canonical(pipe)["class"] == "sklearn.pipeline.Pipeline"
    assert [s[1]["class"] for s in steps] == [
        "skmnistnoise.GaussianNoise",
        "sklearn.linear_model.LogisticRegression",
    ]
    assert canonical(MLPClassifier())["class"] == "skmnistnoise.MLPClassifier"
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=10)
    assert canonical(schedule)["class"] == "keras.optimizers.schedules.CosineDecay"
    assert canonical(np.tanh) == {"callable": "numpy.tanh"}


def _private_names(spec):
    """Dotted names in a spec with a private part (``skmnistnoise._noise.X``)."""
    if isinstance(spec, list):
        return [n for v in spec for n in _private_names(v)]
    if not isinstance(spec, dict):
        return []
    found = []
    for k, v in spec.items():
        if k in ("class", "callable") and any(p.startswith("_") for p in v.split(".")):
            found.append(v)
        found += _private_names(v)
    return found


@pytest.mark.parametrize("folder", ["store", "beyond-store"])
def test_every_committed_record_is_usable_and_keyed_on_public_names(folder):
    records = sorted((REPO_ROOT / "benchmarks" / "results" / folder).glob("*.json"))
    assert records
    for path in records:
        record = json.loads(path.read_text())
        assert record_problem(record, path.stem) is None, path
        assert _private_names(record["spec"]) == [], path


def _with_private_names(spec):
    """A spec as keys were written before public names (full module paths)."""
    text = json.dumps(spec)
    for public, private in [
        ("skmnistnoise.GaussianNoise", "skmnistnoise._noise.GaussianNoise"),
        ("skmnistnoise.MLPClassifier", "skmnistnoise._classifiers.MLPClassifier"),
    ]:
        text = text.replace(f'"{public}"', f'"{private}"')
    return json.loads(text)


def test_a_record_keyed_on_private_names_is_still_read_by_its_public_key(tmp_path):
    spec = {
        "dataset": "d",
        "estimator": canonical(
            Pipeline(
                [("noise", GaussianNoise(random_state=0)), ("clf", MLPClassifier())]
            )
        ),
    }
    legacy = _with_private_names(spec)
    assert legacy != spec
    ResultStore(tmp_path).put(ResultStore.key(legacy), RESULT, legacy)
    store = ResultStore(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.get(store.key(spec)) == RESULT
    other = {**spec, "dataset": "e"}
    assert store.get(store.key(other)) is None
    # A legacy record must be as sound as any: a checksum-less one is not used.
    _rewrite(_record_file(store, ResultStore.key(legacy)), lambda r: r.pop("checksum"))
    with pytest.warns(CorruptRecordWarning, match="no checksum"):
        assert ResultStore(tmp_path).get(store.key(spec)) is None


def _act_a(x):
    return x


def test_callables_are_keyed_by_what_they_compute_or_refused(monkeypatch):
    with pytest.raises(NotReproducibleError, match="lambda"):
        canonical(MLPClassifier(activation=lambda x: x))

    def local(x):
        return x

    with pytest.raises(NotReproducibleError, match="cannot key a stored result"):
        canonical(local)
    with pytest.raises(NotReproducibleError, match="cannot key a stored result"):
        canonical(GaussianNoise().fit_transform)  # a bound method
    assert canonical(_act_a) == {"callable": f"{__name__}._act_a"}
    assert canonical(partial(np.clip, a_min=0)) == {
        "partial": {"callable": "numpy.clip"},
        "args": [],
        "keywords": {"a_min": 0.0},
    }
    # A script's own functions: the same name, other code, another key.
    import __main__

    def act(x):
        return x * 2

    def act_too(x):
        return x * 3

    keys = []
    for function in (act, act_too):
        function.__module__, function.__qualname__ = "__main__", "act"
        monkeypatch.setattr(__main__, "act", function, raising=False)
        keys.append(canonical(function))
    assert keys[0]["callable"] == keys[1]["callable"] == "__main__.act"
    assert keys[0] != keys[1]


def test_a_sweep_with_a_lambda_parameter_trains_without_storing(digits, tmp_path):
    X, y = digits.data[:120], digits.target[:120]
    fits = []
    for activation in (lambda x: x * 0.0, lambda x: x):
        pipe = make_study_pipeline(
            "mlp", epochs=1, hidden_layer_sizes=(4,), random_state=0
        ).set_params(clf__activation=activation)
        with pytest.warns(UserWarning, match="Fit not stored: .*lambda"):
            fits.append(
                noise_sweep(pipe, X, y, param_range=[0.0], cv=2, store=tmp_path)
            )
    assert [(f.n_computed, f.n_cached) for f in fits] == [(2, 0), (2, 0)]
    assert len(ResultStore(tmp_path)) == 0


def _temporary(folder, name, age):
    path = folder / name
    path.write_text('{"key": "half a reco')
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_temporary_files_are_ignored_and_cleaned_once_stale(store):
    key = store.key({"scale": 0.1})
    store.put(key, RESULT)
    stale = _temporary(store.path, f".{key}.json.abc123.tmp", age=7200)
    fresh = _temporary(store.path, f".{key}.json.def456.tmp", age=1)
    assert store.keys() == [key] and len(store) == 1
    assert store.clean() == [stale]
    assert fresh.exists()  # a writer may still be at work on it
    stale = _temporary(store.path, f".{key}.json.ghi789.tmp", age=7200)
    store.put(store.key({"scale": 0.2}), RESULT)  # every put cleans up
    assert not stale.exists() and fresh.exists()
    assert store.clean(older_than=0) == [fresh]


def test_a_writer_killed_mid_record_leaves_no_record(tmp_path):
    target = tmp_path / "record.json"
    target.write_text('{"old": true}')
    script = (
        "import sys, time\n"
        "from skmnistnoise._files import atomic_write\n"
        "with atomic_write(sys.argv[1]) as f:\n"
        "    f.write('{\"new\": ')\n"
        "    f.flush()\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert writer.stdout.readline() == "writing\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
        writer.stdout.close()
    assert target.read_text() == '{"old": true}'
    (left,) = [p for p in tmp_path.iterdir() if p != target]
    assert left.name.startswith(".record.json.") and left.name.endswith(".tmp")
    assert remove_stale_temporaries(tmp_path, older_than=0) == [left]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "results.json"
    SweepResults([{"scale": 0.0, "test_accuracy": 0.9}]).to_json(target)
    before = target.read_text()
    with pytest.raises(TypeError):  # not JSON-serialisable, found mid-write
        SweepResults([{"scale": 1.0, "model": object()}]).to_json(target)
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
    with pytest.raises(ValueError, match="'mode' parameter"):
        with atomic_write(target, "a"):
            pass


def test_a_sweep_recomputes_a_damaged_record_and_replaces_it(digits, tmp_path):
    pipe = make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(4,), random_state=0)
    X, y = digits.data[:300], digits.target[:300]

    def sweep():
        return noise_sweep(pipe, X, y, param_range=[0.5], cv=2, store=tmp_path)

    first = sweep()
    assert (first.n_computed, first.n_cached) == (2, 0)
    damaged = _record_file(ResultStore(tmp_path), first.rows[0]["key"])
    _rewrite(damaged, _edited_result)
    with pytest.warns(CorruptRecordWarning, match=re.escape(str(damaged))):
        second = sweep()
    assert (second.n_computed, second.n_cached) == (1, 1)
    timing = ("fit_time", "score_time")
    for a, b in zip(first.rows, second.rows):
        assert {k: v for k, v in a.items() if k not in timing} == {
            k: v for k, v in b.items() if k not in timing
        }
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorruptRecordWarning)
        third = sweep()  # the record was replaced: nothing to compute
    assert (third.n_computed, third.n_cached) == (0, 2)


def test_atomically_written_files_get_the_permissions_of_any_new_file(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("scale\n")
    with atomic_write(tmp_path / "table.csv") as f:
        f.write("scale\n")
    assert (tmp_path / "table.csv").stat().st_mode == plain.stat().st_mode


def test_every_committed_certificate_record_is_usable_and_keyed_on_public_names():
    from skmnistnoise._certify_study import _CHUNK_FIELDS, _FIT_FIELDS

    folder = REPO_ROOT / "benchmarks" / "results" / "certify-store"
    records = sorted(folder.glob("*.json"))
    assert records
    for path in records:
        record = json.loads(path.read_text())
        kind = record["spec"]["kind"]
        required = _CHUNK_FIELDS if kind == "certificate" else _FIT_FIELDS
        assert record_problem(record, path.stem, required) is None, path
        assert _private_names(record["spec"]) == [], path


# -- describing parameters ------------------------------------------------------------


class _StandIn(BaseEstimator):
    """An estimator whose parameters are whatever a test gives it."""

    def __init__(self, value=None, module=None):
        self.value = value
        self.module = module


class _Net:
    """Like skorch's nets: ``get_params`` holds a private set."""

    def get_params(self, deep=True):
        return {"lr": 0.1, "_params_to_validate": set()}


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Size(enum.IntEnum):
    SMALL = 1


def _value(value):
    return canonical(_StandIn(value))["params"]["value"]


def test_sets_frozensets_lists_and_tuples_are_described_stably():
    assert canonical(_Net()) == {
        "class": f"{__name__}._Net",
        "params": {"_params_to_validate": {"set": []}, "lr": 0.1},
    }
    # Members sorted by their description, whatever the set's own order.
    assert _value({"b", "c", "a"}) == {"set": ["a", "b", "c"]}
    assert _value({2, "x", None}) == _value({None, "x", 2.0})
    assert _value({frozenset({GaussianNoise()}), ("a", 1)}) == {
        "set": [["a", 1.0], {"frozenset": [canonical(GaussianNoise())]}]
    }
    described = [_value(v) for v in ({1}, frozenset({1}), [1])]
    assert len({json.dumps(d) for d in described}) == 3
    # Tuples and lists are one description, as in every committed key:
    # scikit-learn reads hidden_layer_sizes=(8,) and [8] alike.
    assert _value((1, 2)) == _value([1, 2]) == [1.0, 2.0]


def test_enum_members_numpy_scalars_and_classes_are_described_by_name():
    assert _value(Colour.RED) == {"enum": f"{__name__}.Colour", "member": "RED"}
    assert _value(Colour.RED) != _value(Colour.GREEN) != _value("red")
    assert _value(Size.SMALL) == 1.0  # an int enum is its number, as it was
    assert _value(np.bool_(True)) is True
    assert _value(np.dtype("float32")) != _value(np.dtype("float64"))
    assert _value(StandardScaler) == {
        "callable": "sklearn.preprocessing.StandardScaler"
    }

    class Local(enum.Enum):
        A = 1

    with pytest.raises(NotReproducibleError, match="value .*Local"):
        canonical(_StandIn(Local.A))


def test_estimators_nested_in_steps_lists_and_dicts_are_described():
    inner = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(C=2))])
    vote = VotingClassifier([("lr", LogisticRegression()), ("pipe", inner)])
    described = canonical(Pipeline([("noise", GaussianNoise()), ("vote", vote)]))
    vote_params = described["params"]["steps"][1][1]["params"]
    assert vote_params["estimators"][1][1]["params"]["steps"][1][1]["params"]["C"] == 2
    assert _value({"a": [GaussianNoise(scale=3)]})["a"][0]["params"]["scale"] == 3


def _refusal(estimator):
    with pytest.raises(NotReproducibleError) as info:
        canonical(estimator)
    return str(info.value)


def _lock_in_a_step():
    net = _StandIn(module=_StandIn(threading.Lock()))
    return Pipeline([("scale", StandardScaler()), ("clf", net)])


def _lock_in_a_vote():
    odd = _StandIn(threading.Lock())
    return VotingClassifier([("lr", LogisticRegression()), ("odd", odd)])


@pytest.mark.parametrize(
    "make, path",
    [
        (_lock_in_a_step, "clf__module__value"),
        (_lock_in_a_vote, "odd__value"),
        (lambda: _StandIn(module=_StandIn([1, threading.Lock()])), "module__value[1]"),
        (lambda: _StandIn({"lock": threading.Lock()}), "value['lock']"),
    ],
)
def test_a_value_that_cannot_be_described_is_refused_by_path_and_type(make, path):
    estimator = make()
    message = _refusal(estimator)
    assert message.startswith(f"The parameter {path} (a _thread.lock: ")
    # The path is the one get_params(deep=True) knows the parameter by.
    assert path.split("[")[0] in estimator.get_params(deep=True)


def test_a_lambda_is_refused_not_described_by_its_code():
    # A lambda's meaning may hang on what it refers to: refused, never keyed
    # by a code digest (only a script's own named functions are).
    pipe = Pipeline([("clf", _StandIn(module=_StandIn(lambda x: x)))])
    message = _refusal(pipe)
    assert message.startswith("The parameter clf__module__value (a function: ")
    assert "lambda" in message


def test_keys_of_describable_specs_are_the_keys_they_always_had():
    # Computed with the store before sets, enums and paths were described
    # (commit 7bb33bd's _store.py). Only objects whose parameters do not change
    # with scikit-learn's version: the lowest environment must get the same key.
    spec = {
        "dataset": "d",
        "estimator": canonical(GaussianNoise(scale=0.5, clip=(0, 1), random_state=3)),
        "params": canonical({"b": [1, (2, 3.5)], "w": {0: 1, 1: 2.5}}),
        "draws": canonical([1, 10, (100,)]),
        "scoring": canonical(partial(np.clip, a_min=0)),
        "cls": canonical(StandardScaler),
        "none": canonical(None),
        "arr": canonical(np.arange(3)),
    }
    assert ResultStore.key(spec) == (
        "9c9dcb436f322bb0e606e186c4c5d4858c2f157acdbfbcaa872f79df64c5d8a0"
    )
    # And the study's networks as the committed store described them (the
    # steps: the Pipeline's own parameters follow scikit-learn's version).
    committed = [
        json.loads(p.read_text())["spec"].get("estimator", {})
        for p in sorted((REPO_ROOT / "benchmarks" / "results" / "store").glob("*.json"))
    ]
    committed_steps = [
        e["params"]["steps"] for e in committed if "steps" in e.get("params", {})
    ]
    for clf in (MLPClassifier(random_state=0), ConvNetClassifier(random_state=0)):
        noisy = Pipeline(
            [("noise", GaussianNoise(scale=0.1, random_state=0)), ("clf", clf)]
        )
        assert canonical(noisy)["params"]["steps"] in committed_steps


def test_the_store_re_exports_the_descriptions_it_keys_on():
    # Code imports canonical and NotReproducibleError from skmnistnoise._store:
    # catching the store's error must catch what the description raises.
    from skmnistnoise import _describe

    assert canonical is _describe.canonical
    assert NotReproducibleError is _describe.NotReproducibleError
    with pytest.raises(NotReproducibleError):
        _describe.canonical(GaussianNoise(clip=lambda x: x))
    code = (
        "import skmnistnoise._describe, skmnistnoise._fitted_state, sys; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_parameter_added_later_keeps_old_keys_at_its_default():
    from sklearn.base import BaseEstimator

    class Before(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    class After(BaseEstimator):
        _KEY_DEFAULTS = {"precision": "float32"}

        def __init__(self, a=1, precision="float32"):
            self.a, self.precision = a, precision

    old, new = canonical(Before())["params"], canonical(After())["params"]
    assert old == new == {"a": 1}
    # Any other value is part of the key.
    assert canonical(After(precision="bfloat16"))["params"] == {
        "a": 1,
        "precision": "bfloat16",
    }
