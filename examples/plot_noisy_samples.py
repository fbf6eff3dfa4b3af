"""
=================================
What the noise does to the images
=================================

Before a classifier sees an image, the study corrupts it with random noise.
This example shows the noise models of skmnistnoise on the embedded 8x8
digits, then the properties every sweep relies on: each image gets its own
noise, each call draws afresh, the training data's draw is replayed, the same
seed gives the same numbers, and ``apply_to`` says which data get noise at
all. Last, the units of ``scale``: they are the units of the data where the
noise step sits.
"""

# %%
import numpy as np
from matplotlib.figure import Figure

from skmnistnoise import GaussianNoise, GlobalStandardScaler
from skmnistnoise.datasets import load_digits
from skmnistnoise.plotting import NoisySamplesDisplay

RANDOM_STATE = 0

X = load_digits(subset="test").data  # 450 images of 8x8 pixels in [0, 1]
print(f"{len(X)} images of {X.shape[1]} pixels, {X.dtype}, in [{X.min()}, {X.max()}]")

# %%
# The notebooks' noise models
# ---------------------------
# Each block shows four test images, clean and at the notebooks' scales 0,
# 0.1, 0.5, 1, 2 and 4, through the very noise step a sweep uses
# (:func:`~skmnistnoise.experiment.make_noise`). The grey range is fixed to
# [0, 1], so values outside it saturate instead of being rescaled away.
#
# * **additive**, ``x + N(0, s)``: both notebooks. On pixels in [0, 1] a
#   scale of 1 is a standard deviation as wide as the whole grey range.
# * **multiplicative**, ``x * N(0, s)``: the ConvNet notebook's. Its mean is
#   0, so it flips the sign of about half the pixels and its images keep no
#   mean brightness: not what "multiplicative noise" usually means.
# * **speckle**, ``x * N(1, s)``: the usual multiplicative model. The
#   background stays black, the strokes flicker around their true value.
display = NoisySamplesDisplay.from_data(
    X,
    noises=("additive", "multiplicative", "speckle"),
    n_images=4,
    random_state=RANDOM_STATE,
)

# %%
# Salt-and-pepper and shot noise
# ------------------------------
# :class:`~skmnistnoise.ImpulseNoise` sets a fraction ``s`` of the pixels to
# 0 or 1; :class:`~skmnistnoise.ShotNoise` replaces every pixel by a Poisson
# count of ``x / s`` photons, divided back (fewer photons, more noise). Both
# follow the ImageNet-C definitions, and scale 0 is the clean image.
impulse_and_shot = NoisySamplesDisplay.from_data(
    X,
    noises=("impulse", "shot"),
    scales=(0.0, 0.03, 0.1, 0.3),
    n_images=4,
    random_state=RANDOM_STATE,
)

# %%
# Fresh per sample, fresh per call, replayed on the training data
# ---------------------------------------------------------------
# ``fit_transform`` draws one noise field per image. ``transform`` on other
# data draws afresh on every call, but on the data seen in ``fit`` it returns
# the fit's draw again: the train score of a pipeline is computed on exactly
# the noisy images the model was trained on.
noise = GaussianNoise(scale=0.5, random_state=RANDOM_STATE)
X_fit, X_other = X[:300], X[300:]
noisy_fit = noise.fit_transform(X_fit)
fields = noisy_fit - X_fit
print("two images, one noise field?  ", np.allclose(fields[0], fields[1]))
first, second = noise.transform(X_other), noise.transform(X_other)
print("two calls, the same draw?     ", np.array_equal(first, second))
replayed = noise.transform(X_fit)
print("fit data replayed?            ", np.array_equal(replayed, noisy_fit))
again = GaussianNoise(scale=0.5, random_state=RANDOM_STATE).fit_transform(X_fit)
print("same seed, same numbers?      ", np.array_equal(again, noisy_fit))
print("noise std (asked for 0.5):    ", round(float(fields.std()), 3))

# %%
# Train only, test only, or both
# ------------------------------
# ``apply_to`` says which data get the noise. ``"both"`` is the notebooks'
# protocol; ``"train"`` is noise as augmentation (the test data pass through
# clean); ``"test"`` is a clean model under corruption, the MNIST-C protocol.
# ``fit_transform`` is what the model is trained on, ``transform`` what
# ``predict`` and ``score`` see on new data.
print(f"{'apply_to':>8}  fit_transform noisy?  transform noisy?")
for apply_to in ("both", "train", "test"):
    step = GaussianNoise(scale=0.5, apply_to=apply_to, random_state=RANDOM_STATE)
    trained_on = step.fit_transform(X_fit)
    scored_on = step.transform(X_other)
    print(
        f"{apply_to:>8}  {not np.array_equal(trained_on, X_fit)!s:>20}"
        f"  {not np.array_equal(scored_on, X_other)!s:>16}"
    )

# %%
# Scale 0 is no noise, whatever the mode: even multiplicative noise with
# ``mean=0`` returns X unchanged at scale 0 (the formula ``x * N(0, 0)``
# would give a blank image), so scale 0 is the clean baseline of every sweep,
# as in the figures above.
for mode, mean in (("additive", None), ("multiplicative", None), ("multiplicative", 0)):
    step = GaussianNoise(scale=0.0, mode=mode, mean=mean, random_state=RANDOM_STATE)
    unchanged = np.array_equal(step.fit_transform(X_fit), X_fit)
    print(f"scale 0, {mode}, mean={mean}: unchanged = {unchanged}")

# %%
# The units of ``scale``
# ----------------------
# The noise is added in the units of the data where the step sits. The MLP
# notebook standardised its images first, ``(x - mean) / std`` over all
# pixels; :class:`~skmnistnoise.GlobalStandardScaler` does the same with the
# training statistics. After it, a scale of 1 is one standard deviation of
# the pixels, not the whole grey range: in pixel units it is ``scaler.scale_``
# (about 0.4 on these digits, 0.31 on MNIST). This is the ``pixel_scale``
# column of every sweep's results.
scaler = GlobalStandardScaler().fit(X_fit)
print(f"pixel mean {scaler.mean_:.3f}, pixel std {scaler.scale_:.3f}")
print(f"scale 1 after the scaler = scale {scaler.scale_:.3f} on [0, 1] pixels")

on_pixels = GaussianNoise(scale=1.0, random_state=RANDOM_STATE).fit_transform(X_fit)
standardised = GaussianNoise(scale=1.0, random_state=RANDOM_STATE).fit_transform(
    scaler.transform(X_fit)
)
back_to_pixels = scaler.inverse_transform(standardised)

fig = Figure(figsize=(7, 2.6), layout="constrained")
axes = fig.subplots(1, 3)
panels = [
    ("clean", X_fit[0]),
    ("scale 1 on [0, 1] pixels", on_pixels[0]),
    ("scale 1 after standardising", back_to_pixels[0]),
]
for ax, (title, image) in zip(axes, panels):
    ax.imshow(image.reshape(8, 8), cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize="small")
    ax.set_axis_off()
fig.suptitle("The same scale in two units (shown on the [0, 1] grey range)")
