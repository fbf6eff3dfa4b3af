"""Fits on a Dask cluster: a client for joblib's Dask backend, threads per worker.

Sweeps (:func:`~skmnistnoise.experiment.noise_sweep`, ``run_study``,
``robustness_matrix``) and scikit-learn's own (``validation_curve``,
``GridSearchCV``) parallelise through joblib; inside
``joblib.parallel_config(backend="dask")`` their fits run on the workers of a
Dask cluster, and the Dask scheduler re-runs elsewhere a fit whose worker died.
This module adds what TensorFlow needs there: :class:`LimitThreads`, a worker
plugin that caps each worker's TensorFlow and noise threads at the cores the
worker was given (``dask worker --nthreads``), and :func:`dask_client`, which
connects to a scheduler or starts a local cluster with the plugin registered.

A worker trains one Keras fit at a time (SciKeras seeds process-global state,
see ``_keras_runtime.FIT_LOCK``) on all its threads; to run several fits at
once on a machine, start several worker processes (``--nworkers``).
"""

import logging
import os
import socket
import warnings
from contextlib import contextmanager
from numbers import Integral

try:
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin
    from distributed.comm.addressing import parse_address, parse_host_port
except ImportError as exc:  # pragma: no cover - exercised by the CLI tests
    raise ImportError(
        "Running on a Dask cluster needs dask.distributed: "
        "pip install -e '.[dask]' (in the clone)"
    ) from exc

from ._noise import ENV_NUM_THREADS

__all__ = ["LimitThreads", "dask_client"]

# TensorFlow reads these when it initialises; the setters below are the API.
_TF_ENV = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def _check_n_threads(n_threads, name="n_threads"):
    if not isinstance(n_threads, Integral) or isinstance(n_threads, bool):
        raise TypeError(
            f"The '{name}' parameter must be a positive integer; got {n_threads!r}."
        )
    if n_threads < 1:
        raise ValueError(
            f"The '{name}' parameter must be a positive integer; got {n_threads!r}."
        )
    return int(n_threads)


def _limit_threads(n_threads):
    """Limit this process's TensorFlow and noise threads to ``n_threads``.

    Sets TensorFlow's intra-op and inter-op thread pools (which must happen
    before TensorFlow runs its first operation in the process) and
    ``$SKMNISTNOISE_NUM_THREADS``, which the noise transformers read.

    Parameters
    ----------
    n_threads : int
        Threads, at least 1: the cores this process was given.

    Returns
    -------
    n_threads : int
        TensorFlow's intra-op threads afterwards; different from
        ``n_threads`` (with a warning) when TensorFlow had already started
        with another setting, which then stays until the process restarts.
    """
    n_threads = _check_n_threads(n_threads)
    os.environ[ENV_NUM_THREADS] = str(n_threads)
    for name in _TF_ENV:
        os.environ[name] = str(n_threads)
    import tensorflow as tf

    threading = tf.config.threading
    try:
        threading.set_intra_op_parallelism_threads(n_threads)
        threading.set_inter_op_parallelism_threads(n_threads)
    except RuntimeError:  # TensorFlow is initialised: its pools are fixed
        warnings.warn(
            f"TensorFlow already runs in this process (pid {os.getpid()}) with "
            f"{threading.get_intra_op_parallelism_threads() or 'all'} intra-op "
            f"threads, so it cannot be limited to {n_threads}: register "
            "LimitThreads before the worker's first fit, or restart the worker.",
            RuntimeWarning,
            stacklevel=2,
        )
    return threading.get_intra_op_parallelism_threads()


class LimitThreads(WorkerPlugin):
    """Dask worker plugin: TensorFlow and noise threads = the worker's threads.

    TensorFlow sizes its thread pools to the machine's cores, whatever Dask
    gave the worker: two workers on a machine would each start a pool of all
    the cores and slow each other down. Registered on a client, this plugin
    limits the BLAS and OpenMP threads to the worker's ``nthreads`` on every worker,
    present and future (a restarted worker gets it again), before its first
    fit::

        client.register_plugin(LimitThreads())

    :func:`dask_client` does this for you.

    Parameters
    ----------
    n_threads : int or None, default=None
        Threads per worker; None: each worker's own ``nthreads``
        (``dask worker --nthreads N``, ``LocalCluster(threads_per_worker=N)``).

    See Also
    --------
    dask_client : A client with this plugin registered.

    Examples
    --------
    >>> from skmnistnoise.cluster import LimitThreads
    >>> LimitThreads(n_threads=2)
    LimitThreads(n_threads=2)
    """

    name = "skmnistnoise-limit-threads"
    idempotent = True

    def __init__(self, n_threads=None):
        if n_threads is not None:
            n_threads = _check_n_threads(n_threads)
        self.n_threads = n_threads

    def __repr__(self):
        return f"LimitThreads(n_threads={self.n_threads!r})"

    def setup(self, worker):
        _limit_threads(self.n_threads or worker.state.nthreads)


def _check_listening(scheduler, timeout):
    """Fail at once, in this thread, where nothing listens at a TCP address.

    Dask's client learns the same only through its event-loop thread, after
    retrying for the whole connect timeout; distributed 2024.1 could also
    stall there when that thread started late on a loaded machine.
    """
    if not isinstance(scheduler, str):
        return
    scheme, location = parse_address(scheduler)
    if scheme != "tcp":
        return
    host, port = parse_host_port(location)  # ValueError: no port
    if timeout is None:
        connect = dask.config.get("distributed.comm.timeouts.connect")
        timeout = dask.utils.parse_timedelta(connect, default="seconds")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise OSError(f"nothing listens at {host}:{port} ({reason})") from None


@contextmanager
def dask_client(
    scheduler=None, *, n_workers=None, threads_per_worker=None, timeout=None
):
    """A Dask client for joblib's Dask backend, with :class:`LimitThreads` registered.

    Connects to a running scheduler, or starts a cluster of worker processes
    on this machine; closes what it started on exit. Use it around the
    sweep, with joblib's Dask backend::

        with dask_client("tcp://scheduler:8786"):
            with joblib.parallel_config(backend="dask"):
                results = run_study(dataset="mnist", store="/shared/store")

    Parameters
    ----------
    scheduler : str or None, default=None
        Address of a running scheduler (``tcp://host:8786``); None starts a
        ``LocalCluster`` of ``n_workers`` processes.
    n_workers : int or None, default=None
        Local worker processes; None: Dask's choice (about one per core).
        Only without ``scheduler``.
    threads_per_worker : int or None, default=None
        Threads (and TensorFlow threads) of each local worker; None: the
        cores divided by ``n_workers``. Only without ``scheduler``.
    timeout : float or None, default=None
        Seconds to wait for the scheduler; None: Dask's
        ``distributed.comm.timeouts.connect`` (30 s unless configured).

    Yields
    ------
    client : distributed.Client
        Also the default client, which ``parallel_config(backend="dask")``
        uses.

    Raises
    ------
    OSError
        When the scheduler cannot be reached in time. Where nothing listens at
        a ``tcp://`` address, before any Dask client starts (a plain
        connection attempt, within ``timeout``).

    Examples
    --------
    A cluster of one worker process with one thread, whose TensorFlow is
    limited to that thread:

    >>> from skmnistnoise.cluster import dask_client
    >>> def tensorflow_threads():
    ...     import tensorflow as tf
    ...     return tf.config.threading.get_intra_op_parallelism_threads()
    >>> with dask_client(n_workers=1, threads_per_worker=1) as client:
    ...     list(client.run(tensorflow_threads).values())
    [1]
    """
    if scheduler is not None and (n_workers, threads_per_worker) != (None, None):
        raise ValueError(
            "n_workers and threads_per_worker start a local cluster; they cannot "
            f"be combined with scheduler={scheduler!r}."
        )
    if n_workers is not None:
        n_workers = _check_n_threads(n_workers, "n_workers")
    if threads_per_worker is not None:
        threads_per_worker = _check_n_threads(threads_per_worker, "threads_per_worker")
    cluster = None
    if scheduler is None:
        # Processes: a worker trains one Keras fit at a time.
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            dashboard_address=":0",
        )
        scheduler = cluster
    _check_listening(scheduler, timeout)
    # Client(timeout=None) would wait forever; leave Dask's default instead.
    connect = {} if timeout is None else {"timeout": timeout}
    try:
        with Client(scheduler, **connect) as client:
            client.register_plugin(LimitThreads())
            yield client
    finally:
        if cluster is not None:
            # A worker process that ran TensorFlow can take seconds to exit;
            # its nanny then kills it, with a warning that tells the user
            # nothing (the fits are done and their results back).
            nanny_log = logging.getLogger("distributed.nanny")
            level = nanny_log.level
            nanny_log.setLevel(logging.ERROR)
            try:
                cluster.close()
            finally:
                nanny_log.setLevel(level)


def on_every_worker(calls):
    """The sweep's fit calls, their arrays copied to every worker first.

    Used by the sweeps under joblib's Dask backend, whose large arguments go to
    one worker, where the others fetch them when they need them: if that worker
    dies before they have, the data are lost and every fit that needs them
    fails ("lost scattered data"). Copies on every worker survive the death of
    any one, so the scheduler can re-run its fits elsewhere. Under any other
    backend the calls are returned unchanged.

    Parameters
    ----------
    calls : list of tuple
        ``(task, X, y, train, test)`` per fit.

    Returns
    -------
    calls : list of tuple
        The same, with the arrays replaced by futures of their copies.
    """
    from joblib._dask import DaskDistributedBackend
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    if not isinstance(backend, DaskDistributedBackend):
        return calls
    arrays = {}
    for _, *data in calls:
        for array in data:
            arrays.setdefault(id(array), array)
    futures = backend.client.scatter(list(arrays.values()), broadcast=True, hash=False)
    copies = dict(zip(arrays, futures))
    return [(task, *(copies[id(a)] for a in data)) for task, *data in calls]
