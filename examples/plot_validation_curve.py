"""
=======================================
A validation curve over the noise scale
=======================================

The notebooks' question, how fast does accuracy fall as the noise grows, is a
validation curve: one parameter (the noise scale) varied, a fresh model
trained and scored at each value. With the noise as a step of a
:class:`~sklearn.pipeline.Pipeline`, scikit-learn's own
:func:`~sklearn.model_selection.validation_curve` answers it. Then
:func:`~skmnistnoise.experiment.noise_sweep` gives the same numbers, plus what
the notebooks printed during training: the accuracy after every epoch.
"""

# %%
import numpy as np
from sklearn.model_selection import validation_curve
from sklearn.pipeline import Pipeline

from skmnistnoise import GaussianNoise, MLPClassifier
from skmnistnoise.datasets import load_digits
from skmnistnoise.experiment import NOTEBOOK_SCALES, noise_sweep
from skmnistnoise.plotting import AccuracyScaleDisplay, EpochCurveDisplay

RANDOM_STATE = 0
EPOCHS = 6  # the notebook trained 20; 6 are plenty on 1,347 small images

digits = load_digits()
pipe = Pipeline(
    [
        ("noise", GaussianNoise(random_state=RANDOM_STATE)),
        ("clf", MLPClassifier(epochs=EPOCHS, random_state=RANDOM_STATE)),
    ]
)
pipe

# %%
# scikit-learn's validation curve
# -------------------------------
# ``digits.cv`` is the fixed holdout split (450 test images), as MNIST's
# official 60,000/10,000 split is ``fetch_mnist(subset="all").cv``: the
# validation score is the notebooks' test accuracy. At every scale
# ``validation_curve`` clones the pipeline, so every scale gets a fresh model
# (the ConvNet notebook kept training one model across scales). The noise
# step adds noise to the training images in ``fit`` and to the test images in
# ``score``, a fresh draw per image; the train score is computed on the very
# noisy images the model was trained on.
train_scores, test_scores = validation_curve(
    pipe,
    digits.data,
    digits.target,
    param_name="noise__scale",
    param_range=NOTEBOOK_SCALES,
    cv=digits.cv,
)
print("scale  train  test")
for scale, train, test in zip(NOTEBOOK_SCALES, train_scores[:, 0], test_scores[:, 0]):
    print(f"{scale:5.1f}  {train:.3f}  {test:.3f}")

# %%
# The same sweep with ``noise_sweep``
# -----------------------------------
# :func:`~skmnistnoise.experiment.noise_sweep` makes the same calls in the
# same order, so with the same seeds it gives the same scores. It returns a
# table, one row per scale and fold, with the settings, the scale in
# [0, 1]-pixel units, the losses, the fit time and the per-epoch curves.
# Give it ``store="folder"`` and every finished fit is kept there: a re-run
# recomputes nothing and an interrupted sweep resumes.
results = noise_sweep(
    pipe,
    digits.data,
    digits.target,
    param_name="noise__scale",
    param_range=NOTEBOOK_SCALES,
    cv=digits.cv,
    dataset="digits",
)
same = np.allclose(results.column("test_accuracy"), test_scores[:, 0]) and np.allclose(
    results.column("train_accuracy"), train_scores[:, 0]
)
print("the same numbers as validation_curve:", same)
print(sorted(k for k, v in results.rows[0].items() if not isinstance(v, list)))

# %%
# The figure: test accuracy (solid) falls with the scale, and the train
# accuracy (dashed) stays above it: the model fits the one noise draw it was
# trained on better than new noise. The x axis is symmetric-log, so 0 and 4
# both fit.
display = AccuracyScaleDisplay.from_results(results)

# %%
# Per epoch
# ---------
# The per-epoch curves are Keras's: the training accuracy during each epoch
# (a running average with dropout on, on the noisy training images) and the
# validation accuracy after each epoch, on the test images through the same
# noise step. At large scales the validation accuracy levels off early while
# the training accuracy keeps climbing: see
# :ref:`sphx_glr_auto_examples_plot_per_epoch_curves.py` for why and the cure.
curves = EpochCurveDisplay.from_results(results)
