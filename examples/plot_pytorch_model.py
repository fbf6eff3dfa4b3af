"""
======================
Your own PyTorch model
======================

The sweeps take any scikit-learn classifier, and through
`skorch <https://skorch.readthedocs.io>`_ a PyTorch network is one. This
example defines a small network in PyTorch, wraps it in skorch's
``NeuralNetClassifier`` and runs it through a noise sweep, with its
per-epoch curves, and through a certification, seeded like the package's
own classifiers. It needs PyTorch and skorch, the ``torch`` extra: see
:ref:`any_classifier` for the install and for what a seed seeds.
"""

# %%
import numpy as np
import torch
from sklearn.pipeline import Pipeline
from skorch import NeuralNetClassifier
from torch import nn

from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
from skmnistnoise.datasets import load_digits
from skmnistnoise.experiment import certify_study, noise_sweep
from skmnistnoise.plotting import (
    AccuracyScaleDisplay,
    CertifiedAccuracyDisplay,
    EpochCurveDisplay,
)

RANDOM_STATE = 0
SEEDS = [0, 1, 2]
SCALES = [0, 0.25, 0.5, 1, 2]  # noise standard deviation on [0, 1] pixels

# A network this small trains fastest on one thread.
torch.set_num_threads(1)


# %%
# The network
# -----------
# A PyTorch module: 64 pixels, 64 hidden units with dropout, 10 classes. It
# is defined at the top level, not inside a function, so that joblib can send
# it to other processes (``n_jobs``) and a result store can name it.
class DigitsMLP(nn.Module):
    """64 pixels -> ``hidden`` ReLU units, dropout -> 10 class scores."""

    def __init__(self, hidden=64, dropout=0.2):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(64, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, 10),
        )

    def forward(self, X):
        return self.layers(X)


# %%
# skorch's ``NeuralNetClassifier`` makes it an estimator: ``fit``,
# ``predict_proba``, ``get_params``, ``clone``. Two of its defaults are
# changed: ``train_split=None`` trains on all the training images (skorch
# would hold out a fifth of them for its own validation; the sweep validates
# on the test fold), and ``iterator_train__shuffle=True`` shuffles the batches
# every epoch. The module's parameters go through ``module__``, e.g.
# ``module__hidden=32``. skorch wants float32 images and int64 labels.
net = NeuralNetClassifier(
    DigitsMLP,
    criterion=nn.CrossEntropyLoss,
    optimizer=torch.optim.Adam,
    lr=0.01,
    max_epochs=20,
    batch_size=64,
    train_split=None,
    iterator_train__shuffle=True,
    verbose=0,
)

digits = load_digits()
X = digits.data.astype(np.float32)
y = digits.target.astype(np.int64)

# %%
# A noise sweep
# -------------
# The net goes where any classifier goes: after a
# :class:`~skmnistnoise.GaussianNoise` step in a pipeline, swept over the
# noise scale with :func:`~skmnistnoise.experiment.noise_sweep`, on the
# digits' holdout split (450 test images), three seeds. The noise step adds
# noise to the training images and to the test images, a fresh draw per
# image. ``per_epoch=True`` records, after every epoch, the net's accuracy on
# its noisy training images and on the noisy test images (skorch's net is
# scored after each epoch with dropout off; a Keras classifier's training
# curve is its running mean during the epoch).
pipe = Pipeline([("noise", GaussianNoise()), ("clf", net)])
sweep = dict(
    param_name="noise__scale",
    param_range=SCALES,
    cv=digits.cv,
    random_state=SEEDS,
    per_epoch=True,
    dataset="digits",
)
results = noise_sweep(pipe, X, y, **sweep)
train_accuracy = results.aggregate("train_accuracy")
test_accuracy = results.aggregate("test_accuracy")
print("scale  train  test   (test, lowest and highest seed)")
for tr, te in zip(train_accuracy, test_accuracy, strict=True):
    per_seed = results.column("test_accuracy", scale=te["scale"])
    print(
        f"{te['scale']:5g}  {tr['mean']:.3f}  {te['mean']:.3f}  "
        f"({min(per_seed):.3f}, {max(per_seed):.3f})"
    )

# %%
# On clean images the net gets 0.971 of the test digits right (mean of the
# three seeds); noise of scale 0.5 brings it down to 0.676, and at scale 2
# it is at 0.158, little above chance (0.1). The training accuracy, measured
# on the noisy images the net was trained on, stays far higher (0.828 at
# scale 2). The band is the 95% interval of the mean over the seeds:
display = AccuracyScaleDisplay.from_results(results)

# %%
# Per epoch, one curve per scale: at the large scales the training accuracy
# (left) keeps climbing for all 20 epochs while the test accuracy (right)
# stays where the first epochs left it. Every training image carries one
# noise draw, the same in every epoch, and the net learns those draws by
# heart; :ref:`sphx_glr_auto_examples_plot_per_epoch_curves.py` shows the
# effect with the package's own MLP, and new noise every epoch as its cure.
curves = EpochCurveDisplay.from_results(results)

# %%
# Same seed, same numbers
# -----------------------
# ``random_state=[0, 1, 2]`` runs the sweep once per seed; seed ``k`` sets
# the ``random_state`` of every step that has one (here the noise). A
# PyTorch network, though, draws its initial weights, its dropout masks and
# its batch order from torch's global generator, which no ``random_state``
# reaches. So for a torch model (a skorch net, or any estimator holding a
# ``torch.nn.Module``) each fit with seed ``k`` starts with
# ``torch.manual_seed(k)``, and torch's generator is put back as it was
# afterwards: whatever ran before, the same ``random_state`` gives the same
# numbers, and the sweep leaves your own torch draws alone. Here seed 0 runs
# again, alone, after some unrelated draws from torch's generator:
torch.manual_seed(123)
torch.rand(1000)
state = torch.random.get_rng_state()
again = noise_sweep(pipe, X, y, **{**sweep, "random_state": 0})
first = results.column("test_accuracy", seed=0)
print("seed 0, first run:", np.round(first, 3))
print("seed 0, again:    ", np.round(again.column("test_accuracy"), 3))
print("identical:", np.array_equal(first, again.column("test_accuracy")))
print("torch's generator as it was:", torch.equal(torch.random.get_rng_state(), state))

# %%
# The same five test accuracies, to the last digit, and torch's generator
# where the draws before the sweep had left it. scikit-learn's
# ``validation_curve`` does not seed torch: its fits start from wherever
# torch's generator stands, so a fit's numbers depend on what drew from it
# before. ``noise_sweep`` gives the numbers of a loop that calls
# ``torch.manual_seed(seed)`` at the start of every fit.
#
# A model that nothing can seed (a third-party estimator without
# ``random_state`` that is neither a Keras nor a PyTorch model) still runs
# through the sweeps, recorded as unseeded: one warning, rows with
# ``seed=None``, ``seeded=False`` and ``replicate`` 0, 1, 2 in place of the
# seeds, and never stored.

# %%
# Certified accuracy
# ------------------
# :class:`~skmnistnoise.NoiseAveragedClassifier` turns the net into a smoothed
# classifier (Cohen et al., 2019): it predicts the majority vote over many
# noisy copies of an image, and :func:`~skmnistnoise.experiment.certify_study`
# certifies, for each test image, an L2 radius within which no perturbation
# changes that vote. The net is trained with Gaussian noise on its training
# images (``apply_to="train"``); the study sets the training noise and the
# smoothing noise to each sigma, trains one smoother per sigma (torch seeded
# as in the sweep), and certifies the first 150 test images with 1,000 noisy
# copies each (``n``, after ``n0=50`` copies to pick the class).
train, test = load_digits(subset="train"), load_digits(subset="test")
smoother = NoiseAveragedClassifier(
    Pipeline([("noise", GaussianNoise(apply_to="train")), ("clf", net)]),
    noise=GaussianNoise(),
    random_state=RANDOM_STATE,
)
certified = certify_study(
    smoother,
    train.data.astype(np.float32),
    train.target.astype(np.int64),
    test.data[:150].astype(np.float32),
    test.target[:150].astype(np.int64),
    sigmas=[0.25, 0.5],
    n0=50,
    n=1000,
    random_state=RANDOM_STATE,
    dataset="digits",
)
print("sigma  abstained  ACR    certified accuracy at radius 0, 0.25, 0.5, 0.75")
for row in certified:
    at = dict(zip(row["certified_radii"], row["certified_accuracy_at"], strict=True))
    print(
        f"{row['sigma']:5g}  {row['abstained']:9.3f}  {row['acr']:.3f}  "
        + "  ".join(f"{at[r]:.3f}" for r in (0, 0.25, 0.5, 0.75))
    )

# %%
# The certified accuracy at radius 0 counts an abstention as an error.
# Sigma 0.25 certifies more images than sigma 0.5 at radius 0, 0.25 and 0.5,
# and abstains on 0.033 of them against 0.240: noise of 0.5 on every one of
# the 64 pixels hides much of an 8x8 digit. Its average certified radius
# (ACR) is larger too, 0.359 against 0.235. Beyond the largest radius that
# 1,000 copies can certify at sigma 0.25 (dotted), only sigma 0.5 certifies
# anything: 0.007 of the images at radius 0.75, one image of the 150.
certificates = CertifiedAccuracyDisplay.from_results(certified)

# %%
# Given ``store=``, ``certify_study`` keeps the certificates and the trained
# nets, without pickle (a skorch net as its module's tensors): a re-run
# trains nothing and reads the certificates back.
