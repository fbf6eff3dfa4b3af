"""
=====================================
Noise-averaged prediction (smoothing)
=====================================

When the noise is in the measurement, an image can often be measured more
than once: several exposures of one scene, each with its own noise. A
classifier can then predict every noisy copy and average. Randomized
smoothing (Cohen et al., 2019) does the same on purpose, adding the noise
itself, and takes the majority vote of many draws.
:class:`~skmnistnoise.NoiseAveragedClassifier` wraps any classifier that way.
This example trains a ConvNet with noise, then measures how the accuracy
under noise grows with the number of draws per image, averaging
probabilities (``voting="soft"``) or counting votes (``voting="hard"``).
"""

# %%
import numpy as np
from matplotlib.figure import Figure

from skmnistnoise import ConvNetClassifier, GaussianNoise, NoiseAveragedClassifier
from skmnistnoise.datasets import load_digits

RANDOM_STATE = 0
SIGMA = 0.5  # noise scale on [0, 1] pixels, in training and in every draw
DRAWS = [1, 2, 4, 8, 16, 32]

train, test = load_digits(subset="train"), load_digits(subset="test")

# %%
# A model trained with noise
# --------------------------
# Averaging needs a classifier that has seen noise of the draws' scale:
# ``train_noise`` gives it new noise every epoch. The wrapper fits a clone of
# it on the training images as given (the training noise is the
# classifier's own business).
clf = ConvNetClassifier(
    train_noise=GaussianNoise(scale=SIGMA), random_state=RANDOM_STATE
)
smooth = NoiseAveragedClassifier(
    clf, noise=GaussianNoise(scale=SIGMA), random_state=RANDOM_STATE
).fit(train.data, train.target)
clean = smooth.estimator_.score(test.data, test.target)
print(f"the trained ConvNet on clean test images: {clean:.3f}")

# %%
# Accuracy against the number of draws
# ------------------------------------
# ``predict`` adds ``n_draws`` independent draws of ``noise`` to each clean
# test image and predicts every copy. With ``n_draws=1`` that is the
# notebooks' protocol, one noisy copy per test image. ``n_draws`` and
# ``voting`` only change prediction, so one fit serves the whole curve.
accuracy = {"soft": [], "hard": []}
for n_draws in DRAWS:
    for voting in accuracy:
        smooth.set_params(n_draws=n_draws, voting=voting)
        accuracy[voting].append(smooth.score(test.data, test.target))
    print(
        f"{n_draws:3d} draws: soft {accuracy['soft'][-1]:.3f}, "
        f"hard {accuracy['hard'][-1]:.3f}"
    )

# %%
# Averaging cancels the noise the copies do not share and keeps what they
# agree on, the digit: the accuracy climbs from the one-draw value towards the
# model's clean accuracy. Soft voting weighs each copy by its confidence;
# hard voting needs more draws, since two copies that disagree are a tie
# (broken in favour of the first class). Every draw costs one more
# prediction of the whole test set.
fig = Figure(figsize=(6.5, 4), layout="constrained")
ax = fig.add_subplot()
for voting, marker in (("soft", "o"), ("hard", "s")):
    ax.plot(DRAWS, accuracy[voting], marker=marker, label=f"{voting} voting")
ax.axhline(clean, color="grey", linestyle=":", label="clean test images")
ax.set_xscale("log", base=2)
ax.set_xticks(DRAWS, [str(k) for k in DRAWS])
ax.set_xlabel("noise draws per image (n_draws)")
ax.set_ylabel(f"test accuracy under noise {SIGMA:g}")
ax.grid(True, alpha=0.3)
ax.legend(loc="lower right")
ax.set_title("Noise-averaged prediction, ConvNet trained with fresh noise")

# %%
# The averaged probabilities carry a confidence: the mean probability of
# each class over the draws (soft), or its share of the votes (hard). The
# test images the averaged model is least sure about:
smooth.set_params(n_draws=DRAWS[-1], voting="hard")
votes = smooth.predict_proba(test.data)
for i in np.argsort(votes.max(axis=1))[:5]:
    top = np.argsort(votes[i])[::-1][:2]
    shares = ", ".join(f"{smooth.classes_[c]}: {votes[i, c]:.0%}" for c in top)
    print(f"test image {i:3d}, a {test.target[i]}; votes {shares}")
