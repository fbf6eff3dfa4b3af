"""Per-epoch curves of a skorch net, as a sweep records them for Keras.

Imported only when a sweep with ``per_epoch=True`` fits a skorch net (it
imports torch and skorch). Keras reports the accuracy and loss on the
training data and on ``validation_data`` per epoch in ``history_``; a skorch
net records its training loss in ``history`` and validates on a split of
its own training data. :class:`EpochScores` adds what the sweep's rows need:
after each epoch, the accuracy and loss on the fit's training data (the
noisy draw it trains on; Keras's is the mean over the epoch's batches) and on
the test fold, computed with torch's
generator put back as it was, so that recording them changes no number of
the training (skorch's prediction draws from torch's generator).
"""

import numpy as np
import torch
from sklearn.metrics import log_loss
from skorch.callbacks import Callback

__all__ = ["EpochScores", "NAME", "epoch_columns", "with_epoch_scores"]

#: The callback's name among the net's callbacks.
NAME = "skmnistnoise_epoch_scores"


class EpochScores(Callback):
    """Accuracy and loss on given data after every epoch, into ``net.history``.

    Parameters
    ----------
    parts : dict
        ``{"train": (X, y), "test": (X, y)}``: what to score, under which
        name (``skmnistnoise_epoch_scores_test_loss``... in the history).
    """

    def __init__(self, parts):
        self.parts = parts

    def on_epoch_end(self, net, **kwargs):
        state = torch.random.get_rng_state()
        try:
            for name, (X, y) in self.parts.items():
                proba = net.predict_proba(X)
                classes = np.asarray(net.classes_)
                predicted = classes[np.argmax(proba, axis=1)]
                net.history.record(
                    f"{NAME}_{name}_accuracy", float(np.mean(predicted == y))
                )
                net.history.record(
                    f"{NAME}_{name}_loss", float(log_loss(y, proba, labels=classes))
                )
        finally:
            torch.random.set_rng_state(state)


def with_epoch_scores(net, parts):
    """``net`` with :class:`EpochScores` among its callbacks (set in place)."""
    callbacks = net.callbacks
    if callbacks == "disable":
        return net
    kept = [c for c in (callbacks or []) if not (isinstance(c, tuple) and c[0] == NAME)]
    return net.set_params(callbacks=[*kept, (NAME, EpochScores(parts))])


def epoch_columns(net):
    """The row's per-epoch columns from a fitted skorch net's ``history``."""
    history = net.history

    def column(key):
        values = [epoch.get(key) for epoch in history]
        return [float(v) for v in values] if all(v is not None for v in values) else []

    return {
        "epoch_train_accuracy": column(f"{NAME}_train_accuracy"),
        "epoch_test_accuracy": column(f"{NAME}_test_accuracy"),
        # skorch's own: the mean over the epoch's batches, as Keras's "loss"
        "epoch_train_loss": column("train_loss"),
        "epoch_test_loss": column(f"{NAME}_test_loss"),
    }
