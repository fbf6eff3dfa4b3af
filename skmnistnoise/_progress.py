"""Progress lines a person can follow while a sweep trains.

:class:`Progress` writes one line per epoch (through a Keras callback, made
only for Keras classifiers, so this module imports no Keras) or per fit:
what runs, the epoch, the accuracies, the time elapsed and an estimate of the
time left.
"""

import sys
import time

__all__ = ["Progress", "epoch_callback"]


def format_seconds(seconds):
    """A duration as ``"4m05s"`` or ``"1h05m00s"``, for progress lines."""
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


class Progress:
    """Progress lines a person can follow: what runs, the epoch, elapsed, ETA.

    Parameters
    ----------
    total_epochs : int
        Epochs to train in the whole run (cached fits excluded).
    stream : file-like, default=sys.stderr
        Where the lines go.
    """

    def __init__(self, total_epochs, stream=None):
        self.total_epochs = max(int(total_epochs), 1)
        self.stream = stream if stream is not None else sys.stderr
        self.done_epochs = 0
        self.start = time.perf_counter()

    _fmt = staticmethod(format_seconds)

    def _eta(self):
        elapsed = time.perf_counter() - self.start
        if not self.done_epochs:
            return elapsed, "?"
        left = elapsed / self.done_epochs * (self.total_epochs - self.done_epochs)
        return elapsed, self._fmt(max(left, 0))

    def line(self, text):
        """Write one line."""
        print(text, file=self.stream, flush=True)

    def epoch_done(self, label, epoch, epochs, logs):
        """Report one finished epoch of one fit."""
        self.done_epochs += 1
        elapsed, eta = self._eta()
        acc = logs.get("accuracy", float("nan"))
        val = logs.get("val_accuracy")  # absent without per-epoch validation
        val = "" if val is None else f"val {val:.4f}  "
        self.line(
            f"{label}  epoch {epoch}/{epochs}  acc {acc:.4f}  {val}"
            f"elapsed {self._fmt(elapsed)}  left ~{eta}"
        )

    def fit_done(self, label, row, epochs=0, score="accuracy"):
        """Report a finished fit (after parallel fits, count its epochs)."""
        self.done_epochs += epochs
        elapsed, eta = self._eta()
        scores = "  ".join(
            f"{part} {row[f'{part}_{score}']:.4f}"
            for part in ("train", "test")
            if row.get(f"{part}_{score}") is not None
        )
        self.line(
            f"{label}  done: {scores}  ({row['fit_time']:.1f}s)  "
            f"elapsed {self._fmt(elapsed)}  left ~{eta}"
        )


def epoch_callback(progress, label, epochs):
    """A Keras callback that reports every finished epoch to ``progress``."""
    import keras

    class _EpochProgress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            progress.epoch_done(label, epoch + 1, epochs, logs or {})

    return _EpochProgress()
