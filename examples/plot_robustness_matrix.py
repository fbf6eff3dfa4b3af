"""
=====================
A robustness matrix
=====================

The notebooks trained and tested at the same noise scale, so each number
mixes two effects: how noisy the training data were and how noisy the test
data are. A robustness matrix separates them. One model is trained per
training scale; each is then tested at every test scale. The diagonal is the
notebooks' protocol, the first column is accuracy on clean test images, the
first row is a clean model under corruption (the MNIST-C protocol).
"""

# %%
from skmnistnoise.datasets import load_digits
from skmnistnoise.experiment import (
    make_study_pipeline,
    matrix_from_results,
    robustness_matrix,
)
from skmnistnoise.plotting import RobustnessMatrixDisplay

RANDOM_STATE = 0
TRAIN_SCALES = [0.0, 0.1, 0.25, 0.5, 1.0]
TEST_SCALES = [0.0, 0.1, 0.25, 0.5, 1.0, 2.0]

digits = load_digits()

# %%
# One fit per row
# ---------------
# :func:`~skmnistnoise.experiment.robustness_matrix` takes the study's
# pipeline, sets its noise step to the training data only
# (``apply_to="train"``) and sweeps its scale: one MLP (the notebook's, 20
# epochs) per training scale. After each fit it scores the test images under
# a test noise of the same kind at every test scale, inserted where the noise
# step sits, so the columns cost predictions only.
pipe = make_study_pipeline("mlp", "additive")
results = robustness_matrix(
    pipe,
    digits.data,
    digits.target,
    train_scales=TRAIN_SCALES,
    test_scales=TEST_SCALES,
    cv=digits.cv,
    random_state=RANDOM_STATE,
    dataset="digits",
)
train_scales, test_scales, accuracy = matrix_from_results(results)
print("train \\ test " + " ".join(f"{s:6g}" for s in test_scales))
for scale, row in zip(train_scales, accuracy):
    print(f"{scale:12g} " + " ".join(f"{a:6.3f}" for a in row))

# %%
# The heatmap
# -----------
# Rows: the training scale; columns: the test scale; the frame marks, in
# every column, the training scale that did best against that test noise.
# Reading down a column answers "how should I train for this noise?";
# reading along a row, "what does this training buy, and what does it cost
# on clean images?". Against light and moderate test noise the best training
# noise lies near the test noise; against heavy noise no training scale
# rescues the model, and moderate training noise still does best. The price
# of training noise is paid in the first column: some clean accuracy.
display = RobustnessMatrixDisplay.from_results(results)

# %%
# The same table holds the usual columns of a sweep too: ``test_accuracy``
# is each model's accuracy on clean test images (the pipeline's noise step
# only touches the training data here), ``train_accuracy`` on the noisy
# training images it was trained on.
for row in results:
    print(
        f"trained at {row['scale']:4g}: train {row['train_accuracy']:.3f}, "
        f"clean test {row['test_accuracy']:.3f}"
    )
