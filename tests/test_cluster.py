"""Fits on a Dask cluster: the sequential run's numbers, TensorFlow threads per
worker, a worker killed mid-fit, and the command line's --scheduler and
--dask-workers. Two worker processes of one thread, tiny networks."""

import os
import random
import re
import sys
import threading
import time

import dask
import joblib
import numpy as np
import pytest
from distributed import Client, LocalCluster, WorkerPlugin, get_task_stream
from sklearn.model_selection import GridSearchCV

from skmnistnoise import MLPClassifier, _noise
from skmnistnoise._store import ResultStore
from skmnistnoise.cli import main
from skmnistnoise.cluster import LimitThreads, dask_client
from skmnistnoise.experiment import SweepResults, make_study_pipeline, noise_sweep

SCALES = [0.0, 0.5, 1.0, 2.0]
# Columns that depend on the machine's speed, not on the computation.
TIMINGS = {"fit_time", "score_time"}


def _pipeline():
    return make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(8,), random_state=0)


def _sweep(digits, scales=SCALES, **kwargs):
    X, y = digits.data, digits.target
    return noise_sweep(_pipeline(), X, y, param_range=scales, cv=digits.cv, **kwargs)


def _numbers(results, drop=TIMINGS):
    """The rows without the given columns, in the table's order."""
    return [{k: v for k, v in row.items() if k not in drop} for row in results]


def _same(got, expected):
    """Equal rows; the final losses to float32 rounding.

    Fits are the same bit for bit wherever they run; the log loss of the final
    predictions can differ in float32's last bits when TensorFlow predicts with
    another number of threads (a worker's one against this process's two; seen
    with TensorFlow 2.18). Accuracies and every other value must be equal.
    """

    def loose(rows):
        return [
            {
                k: pytest.approx(v, rel=1e-6)
                if k.endswith("_loss") and isinstance(v, float)
                else v
                for k, v in row.items()
            }
            for row in rows
        ]

    return got == loose(expected)


def _calls(task_stream, function):
    """Calls of ``function`` that ran on the workers, from joblib's task keys."""
    pattern = re.compile(rf"batch_of_{function}_(\d+)_calls")
    return sum(
        int(match.group(1))
        for task in task_stream.data
        if (match := pattern.search(str(task["key"])))
    )


def _store_files(folder):
    """Every file in a store's folder: records, and temporary files if any."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes of one thread each, TensorFlow limited to it."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(LimitThreads())
        yield client


@pytest.fixture
def client(cluster):
    cluster.wait_for_workers(2)  # a killed worker is restarted by its nanny
    return cluster


@pytest.fixture(scope="module")
def sequential(digits, tmp_path_factory):
    """The sweep run in this process, one fit at a time, and its store."""
    store = tmp_path_factory.mktemp("sequential-store")
    return _sweep(digits, store=store), store


# -- in one process --------------------------------------------------------------


def test_seeded_fit_ignores_other_threads_drawing_from_python_random(digits):
    # A Dask worker's event loop draws from Python's global ``random`` while a
    # fit runs in another thread; the fit's numbers must not depend on it.
    X, y = digits.data[:300], digits.target[:300]

    def probabilities():
        clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0)
        return clf.fit(X, y).predict_proba(X)

    quiet = probabilities()
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()

    drawer = threading.Thread(target=draw)
    drawer.start()
    try:
        busy = probabilities()
    finally:
        stop.set()
        drawer.join()
    np.testing.assert_array_equal(busy, quiet)


def test_fits_in_threads_of_one_process_equal_the_sequential_run(digits, sequential):
    # A worker with several threads runs several tasks in one process.
    with joblib.parallel_config(backend="threading", n_jobs=2):
        results = _sweep(digits, SCALES[:2])
    no_key = {*TIMINGS, "key"}  # not stored
    expected = _numbers(sequential[0], drop=no_key)[:2]
    assert _same(_numbers(results, drop=no_key), expected)


def test_noise_threads_follow_the_environment_variable(monkeypatch):
    monkeypatch.setenv(_noise.ENV_NUM_THREADS, "3")
    assert _noise._n_threads() == 3
    monkeypatch.setenv(_noise.ENV_NUM_THREADS, "zero")
    with pytest.raises(ValueError, match="SKMNISTNOISE_NUM_THREADS must be a posi"):
        _noise._n_threads()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_workers": 0}, ValueError, "'n_workers' parameter must be a positive"),
        ({"threads_per_worker": 1.5}, TypeError, "'threads_per_worker' parameter"),
        (
            {"scheduler": "tcp://127.0.0.1:8786", "n_workers": 2},
            ValueError,
            "cannot be combined with scheduler='tcp://127.0.0.1:8786'",
        ),
        (
            {"scheduler": "tcp://127.0.0.1:1", "timeout": 30},
            OSError,
            r"nothing listens at 127.0.0.1:1 \(Connection refused\)",
        ),
    ],
)
def test_dask_client_refuses_bad_arguments_before_starting_anything(
    kwargs, error, message
):
    start = time.monotonic()
    with pytest.raises(error, match=message):
        with dask_client(**kwargs):
            pass  # pragma: no cover
    assert time.monotonic() - start < 5  # not Dask's retries until the timeout


def test_limit_threads_refuses_a_non_positive_count():
    with pytest.raises(ValueError, match="'n_threads' parameter must be a positive"):
        LimitThreads(n_threads=0)


# -- on the cluster ----------------------------------------------------------------


def _tensorflow_threads():
    import tensorflow as tf

    threading = tf.config.threading
    return (
        threading.get_intra_op_parallelism_threads(),
        threading.get_inter_op_parallelism_threads(),
        _noise._n_threads(),
    )


def test_each_worker_limits_tensorflow_and_noise_threads_to_its_own(client):
    nthreads = client.nthreads()
    assert len(nthreads) == 2
    per_worker = client.run(_tensorflow_threads)
    assert per_worker == {address: (n, n, n) for address, n in nthreads.items()}


def test_sweep_on_the_cluster_equals_the_sequential_run(
    client, digits, sequential, tmp_path
):
    expected, sequential_store = sequential
    with get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
        # n_jobs=None: the Dask backend's default, every worker.
        results = _sweep(digits, store=tmp_path)
    # Every fit once, each on a worker.
    assert _calls(stream, "_fit_one") == len(SCALES)
    assert results.n_computed == len(SCALES)
    assert _same(_numbers(results), _numbers(expected))
    # The workers wrote the same records, under the same keys, atomically.
    assert _store_files(tmp_path) == _store_files(sequential_store)
    again = _sweep(digits, store=tmp_path)  # in this process: all from the store
    assert (again.n_computed, again.n_cached) == (0, len(SCALES))


def test_grid_search_on_the_cluster_equals_the_sequential_one(client, digits):
    def search(n_jobs):
        grid = GridSearchCV(
            _pipeline(), {"noise__scale": [0.0, 1.0]}, cv=digits.cv, n_jobs=n_jobs
        )
        return grid.fit(digits.data, digits.target)

    local = search(None)
    with get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
        remote = search(-1)
    assert _calls(stream, "_fit_and_score") == 2  # both candidates ran there
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_


# The command line. Each run writes figures and a report: one sequential run
# serves as the reference of both cluster runs.
CLI_SWEEP = ["sweep", "--model", "mlp", "--epochs", "1", "--scales", "0", "1"]


@pytest.fixture(scope="module")
def cli_sequential(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "sequential"
    assert main([*CLI_SWEEP, "-q", "--out", str(out)]) == 0
    return out


def _cli_numbers(out):
    return _numbers(SweepResults.from_json(out / "results.json"))


def test_cli_runs_the_fits_on_a_running_cluster(
    client, cli_sequential, tmp_path, capsys
):
    address = client.scheduler.address
    with get_task_stream(client) as stream:
        status = main([*CLI_SWEEP, "--scheduler", address, "--out", str(tmp_path)])
    stdout, stderr = capsys.readouterr()
    assert status == 0, stderr
    assert f"Dask cluster {address}: 2 worker(s), 2 thread(s)" in stderr
    assert _calls(stream, "_fit_one") == 2
    assert "2 fits: 2 trained" in stdout
    assert f"Dask cluster | scheduler {address}" in (tmp_path / "report.md").read_text()
    assert _same(_cli_numbers(tmp_path), _cli_numbers(cli_sequential))
    assert _store_files(tmp_path / "store") == _store_files(cli_sequential / "store")


def test_cli_starts_a_local_cluster_with_the_same_results(
    cli_sequential, tmp_path, capsys
):
    status = main([*CLI_SWEEP, "--dask-workers", "1", "--out", str(tmp_path)])
    stdout, stderr = capsys.readouterr()
    assert status == 0, stderr
    assert re.search(r"Dask cluster tcp://\S+: 1 worker\(s\)", stderr)
    assert "2 fits: 2 trained" in stdout
    assert _same(_cli_numbers(tmp_path), _cli_numbers(cli_sequential))


@pytest.mark.parametrize(
    "options, message",
    [
        (
            ["--dask-workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
            "argument --scheduler: not allowed with argument --dask-workers",
        ),
        (["--dask-workers", "2", "--n-jobs", "2"], "not allowed with argument"),
        (["--dask-workers", "0"], "argument --dask-workers: must be a positive"),
        (
            ["--scheduler", "localhost"],
            "argument --scheduler: cannot connect to 'localhost': missing port",
        ),
        (
            ["--scheduler", "tcp://127.0.0.1:1"],
            "argument --scheduler: cannot connect to 'tcp://127.0.0.1:1': "
            "nothing listens at 127.0.0.1:1 (Connection refused)",
        ),
    ],
)
def test_cli_refuses_bad_cluster_options_in_one_line(
    options, message, tmp_path, capsys
):
    # No Dask client starts for any of these: a closed port is found by a
    # plain connection attempt first (distributed 2024.1's client could stall
    # on a loaded machine while it retried).
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        status = main([*CLI_SWEEP, *options, "--out", str(tmp_path)])
    _, stderr = capsys.readouterr()
    assert status == 2
    assert stderr.startswith("skmnistnoise: error: ") and message in stderr
    assert stderr.count("\n") == 1


def test_cli_says_how_to_install_dask_when_it_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    monkeypatch.delitem(sys.modules, "skmnistnoise.cluster")
    status = main([*CLI_SWEEP, "--dask-workers", "2", "--out", str(tmp_path)])
    _, stderr = capsys.readouterr()
    assert status == 2
    assert "argument --dask-workers: " in stderr
    assert "pip install -e '.[dask]'" in stderr
    assert stderr.count("\n") == 1


# -- a worker dies -----------------------------------------------------------------


class _ExitMidFit(WorkerPlugin):
    """Kill the first worker process that starts a fit, ``delay`` seconds in.

    The marker file, created exclusively, makes it one worker once; it records
    whether the fit was still running when the process died.
    """

    name = "test-exit-mid-fit"

    def __init__(self, marker, delay):
        self.marker, self.delay = str(marker), delay

    def setup(self, worker):
        self.worker = worker

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or "_fit_one" not in str(key):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        threading.Timer(self.delay, self._exit, (fd, key)).start()

    def _exit(self, fd, key):
        task = self.worker.state.tasks.get(key)
        running = task is not None and task.state == "executing"
        os.write(fd, b"killed mid-fit" if running else b"fit ended first")
        os.close(fd)
        if running:
            os._exit(1)


def test_sweep_completes_when_a_worker_dies_mid_fit(
    client, digits, sequential, tmp_path
):
    store, marker = tmp_path / "store", tmp_path / "killed"
    client.register_plugin(_ExitMidFit(marker, delay=0.1))
    try:
        with joblib.parallel_config(backend="dask"):
            results = _sweep(digits, SCALES[:2], store=store)
    finally:
        client.unregister_worker_plugin(_ExitMidFit.name)
    assert marker.read_text() == "killed mid-fit"
    # Every fit once in the table and in the store, as in the sequential run.
    expected = _numbers(sequential[0])[:2]
    assert _same(_numbers(results), expected)
    assert _store_files(store) == sorted(f"{row['key']}.json" for row in expected)
    assert len(ResultStore(store)) == 2
