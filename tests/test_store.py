"""What is on disk can be trusted: the result store and atomic files.

A record is used only if it is whole, belongs to its key and matches its
checksum; anything else is reported (a warning naming the file) and computed
again. A writer killed mid-file leaves at most a hidden temporary file that no
reader takes for a result and that a later write cleans up.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from skmnistnoise._files import atomic_write, remove_stale_temporaries
from skmnistnoise._store import CorruptRecordWarning, ResultStore
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


def test_a_record_without_checksum_from_an_older_store_is_still_read(store):
    key = store.key({"scale": 2.0})
    store.put(key, RESULT)
    _rewrite(_record_file(store, key), lambda record: record.pop("checksum"))
    assert store.get(key) == RESULT


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
