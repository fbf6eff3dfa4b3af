"""The same seed gives the same numbers: across processes, workers and kills.

Sweeps run in fresh Python processes (tests/_sweep_job.py: tiny networks on the
embedded digits), started together so that they share the CPU. A sweep killed
with SIGKILL and run again recomputes nothing it had finished and ends with
the table of an uninterrupted run. docs/reproducibility.rst says what holds
beyond these tests.
"""

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmnistnoise import GaussianNoise, ImpulseNoise, ShotNoise
from skmnistnoise._store import ResultStore

JOB = Path(__file__).with_name("_sweep_job.py")
REPO_ROOT = JOB.parents[1]
MODELS = ["mlp", "convnet"]
SCALES = ["0", "1", "2"]
# What changes from run to run by nature: wall-clock times.
TIMING = ("fit_time", "score_time")
TIMEOUT = 600


class _Job:
    """tests/_sweep_job.py in a fresh process, started now, awaited on demand."""

    def __init__(self, folder, *args):
        folder.mkdir(parents=True, exist_ok=True)
        self.table_path = folder / "table.json"
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
        )
        self.stderr_path = folder / "stderr.txt"
        with open(self.stderr_path, "w") as stderr:  # a file: no pipe to fill
            self.process = subprocess.Popen(
                [sys.executable, str(JOB), str(self.table_path), *args],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self._table = None

    def table(self):
        """The job's output, once it has finished (it must succeed)."""
        if self._table is None:
            self.process.wait(timeout=TIMEOUT)
            stderr = self.stderr_path.read_text()[-3000:]
            assert self.process.returncode == 0, stderr
            self._table = json.loads(self.table_path.read_text())
        return self._table

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)


def _sweep_args(store, *, models=MODELS, scales=SCALES, n_jobs=None):
    args = ["--store", str(store), "--models", *models, "--scales", *scales]
    return args + (["--n-jobs", str(n_jobs)] if n_jobs else [])


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """Reference sweeps, all started at once: two alike, one on 2 workers.

    The kill test runs first, while they do.
    """
    root = tmp_path_factory.mktemp("sweeps")
    started = {
        "first": _Job(root / "first", *_sweep_args(root / "first" / "store")),
        "second": _Job(root / "second", *_sweep_args(root / "second" / "store")),
        "two_workers": _Job(
            root / "two_workers",
            *_sweep_args(root / "two_workers" / "store", scales=["0", "2"], n_jobs=2),
        ),
    }
    yield started
    for job in started.values():
        job.kill()


def _without_timing(rows):
    return [{k: v for k, v in row.items() if k not in TIMING} for row in rows]


def _by_fit(rows):
    return {(r["model"], r["scale"], r["fold"]): r for r in _without_timing(rows)}


def _records(store):
    """Record file -> (mtime, bytes), temporary files excluded."""
    return {
        p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in store.glob("*.json")
    }


def test_a_killed_sweep_resumes_without_recomputing_and_ends_equal(jobs, tmp_path):
    store = tmp_path / "store"
    total = len(SCALES)  # the MLP only: one fit per scale
    killed = _Job(tmp_path / "killed", *_sweep_args(store, models=["mlp"]))
    try:
        deadline = time.monotonic() + TIMEOUT
        while len(list(store.glob("*.json"))) < 2:
            assert killed.process.poll() is None, killed.stderr_path.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        killed.kill()
    assert not killed.table_path.exists()
    finished = _records(store)
    assert 2 <= len(finished) < total, "the kill came too late to test resuming"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no record is corrupt or half-written
        assert all(ResultStore(store).get(Path(n).stem) for n in finished)
    assert len(ResultStore(store)) == len(finished)

    resumed = _Job(tmp_path / "resumed", *_sweep_args(store, models=["mlp"])).table()
    assert resumed["n_cached"] == len(finished)
    assert resumed["n_computed"] == total - len(finished)
    after = _records(store)
    assert {name: after[name] for name in finished} == finished  # not rewritten
    assert len(after) == total
    reference = [r for r in jobs["first"].table()["rows"] if r["model"] == "mlp"]
    assert _without_timing(resumed["rows"]) == _without_timing(reference)


def test_two_fresh_processes_give_identical_tables(jobs):
    first, second = jobs["first"].table(), jobs["second"].table()
    assert len(first["rows"]) == len(MODELS) * len(SCALES)
    assert first["n_computed"] == len(first["rows"]) and first["n_cached"] == 0
    # Every accuracy, loss and per-epoch value, to the bit, and the store keys.
    assert _without_timing(first["rows"]) == _without_timing(second["rows"])
    row = first["rows"][0]
    assert len(row["epoch_test_accuracy"]) == len(row["epoch_train_loss"]) == 2
    assert len({r["key"] for r in first["rows"]}) == len(first["rows"])
    # Different scales train different networks: the equality is not vacuous.
    assert len({r["test_loss"] for r in first["rows"]}) == len(first["rows"])


def test_two_worker_processes_give_the_single_process_table(jobs):
    parallel = _by_fit(jobs["two_workers"].table()["rows"])
    serial = _by_fit(jobs["first"].table()["rows"])
    assert len(parallel) == len(MODELS) * 2
    assert {k: serial[k] for k in parallel} == parallel


# -- noise draws: the cross-platform contract ----------------------------------------
#
# numpy's Generator streams (PCG64, seeded through SeedSequence) give the same
# values on every platform for a given numpy version. These values pin the
# definition of the noise: the seed, the per-draw and per-block streams
# (_BLOCK_ROWS = 256: row 256 starts the second block) and the algorithms. If
# this test fails after a numpy upgrade, stored results are no longer
# reproducible from their seeds with it; if it fails on another machine, numpy
# broke its promise.

GAUSSIAN_DRAWS = {
    # dtype: (row 0 and row 256 of fit_transform, row 0 of the next transform)
    np.float64: (
        [-1.1972218712469238, 1.8852659244715575],
        [-0.8548638242364223, -0.16640831154379718],
        [0.8122888904428762, -0.447278062181063],
    ),
    np.float32: (
        [-0.7848065495491028, -1.096357822418213],
        [-0.5240914225578308, 0.9274192452430725],
        [0.7816462516784668, 0.34532687067985535],
    ),
}


@pytest.mark.parametrize("dtype", GAUSSIAN_DRAWS, ids=lambda d: d.__name__)
def test_seeded_gaussian_draws_are_the_committed_values(dtype):
    noise = GaussianNoise(scale=1.0, random_state=0)
    train = noise.fit_transform(np.zeros((257, 2), dtype=dtype))
    test = noise.transform(np.zeros((1, 2), dtype=dtype))
    first_block, second_block, next_draw = GAUSSIAN_DRAWS[dtype]
    assert_array_equal(train[0], np.array(first_block, dtype=dtype))
    assert_array_equal(train[256], np.array(second_block, dtype=dtype))
    assert_array_equal(test[0], np.array(next_draw, dtype=dtype))


def test_seeded_impulse_and_shot_draws_are_the_committed_values():
    X = np.full((1, 12), 0.5)
    impulse = ImpulseNoise(amount=0.5, random_state=0).fit_transform(X)
    assert impulse[0].tolist() == [0.5, 1, 0, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0.5]
    photons = ShotNoise(photons=10, random_state=0).fit_transform(X) * 10
    assert_array_equal(photons[0], [7, 0, 4, 4, 5, 7, 7, 3, 6, 5, 2, 6])
