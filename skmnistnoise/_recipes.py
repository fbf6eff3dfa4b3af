"""Named training recipes: classifier parameters on the same architecture.

A recipe changes how a network is trained, never what it is: the optimizer's
schedule, the batch size, the dropout rates, the loss. ``recipe_params(name, ...)``
gives the parameters to pass to :class:`~skmnistnoise.MLPClassifier` or
:class:`~skmnistnoise.ConvNetClassifier` (or to ``make_smoother``), so that
the command line, the benchmarks and a user's script train the same network
the same way from one definition.
"""

import math

__all__ = ["RECIPES", "recipe_params"]

#: The recipes by name, with what each changes.
RECIPES = {
    "adam": "the notebooks' training: adam at a constant learning rate 1e-3",
    "adam-cosine": "adam, the learning rate decayed to 0 over the epochs (cosine)",
    "adam-cosine-b32": "adam-cosine in batches of 32: 4x the gradient steps",
    "adam-no-dropout": "adam, the dropout layers kept at rate 0",
    "adam-cosine-no-dropout": "adam-cosine with the dropout layers at rate 0",
    "consistency": "adam with Jeong and Shin's (2020) consistency loss as on MNIST "
    "at sigma 0.25: m=2 noisy copies, lambda=10, eta=0.5 (needs train_noise)",
    "consistency-lambda5": "consistency with lambda=5, their MNIST setting at "
    "sigma 0.5 and 1",
    "consistency-cosine-no-dropout": "consistency with the learning rate decayed "
    "to 0 over the epochs (cosine) and the dropout layers at rate 0",
    "consistency-lambda5-cosine-no-dropout": "consistency-lambda5 with the cosine "
    "schedule and the dropout layers at rate 0",
}

# Jeong and Shin's MNIST runs (their EXPERIMENTS.MD): two noisy copies, the
# entropy weight 0.5, the KL weight 10 at sigma 0.25 and 5 at 0.5 and 1.
_CONSISTENCY = {"consistency_m": 2, "consistency_eta": 0.5}


def _cosine(epochs, batch_size, n_train):
    import keras  # only where a network trains

    steps = epochs * math.ceil(n_train / batch_size)
    return keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)


def recipe_params(recipe, *, model, epochs, n_train=60_000):
    """Classifier parameters of a named training recipe.

    Parameters
    ----------
    recipe : str
        A key of :data:`RECIPES`.
    model : {"mlp", "convnet"}
        The network, for the shape of its dropout parameter.
    epochs : int
        The length of training, for the learning-rate schedules.
    n_train : int, default=60_000
        Training images per epoch, for the schedules' number of steps
        (MNIST's 60,000).

    Returns
    -------
    params : dict
        Keyword arguments of the classifier; ``{}`` for ``"adam"``.

    Examples
    --------
    >>> from skmnistnoise.experiment import recipe_params
    >>> recipe_params("adam-no-dropout", model="convnet", epochs=12)
    {'dropout': (0.0, 0.0)}
    >>> recipe_params("consistency", model="mlp", epochs=20)
    {'consistency_m': 2, 'consistency_eta': 0.5, 'consistency_lambda': 10.0}
    """
    if recipe not in RECIPES:
        raise ValueError(
            f"The 'recipe' parameter must be one of {sorted(RECIPES)}. "
            f"Got {recipe!r} instead."
        )
    if model not in ("mlp", "convnet"):
        raise ValueError(
            f"The 'model' parameter must be 'mlp' or 'convnet'. Got {model!r} instead."
        )
    params = {}
    if recipe.startswith("consistency"):
        lam = 5.0 if recipe.startswith("consistency-lambda5") else 10.0
        params.update(_CONSISTENCY, consistency_lambda=lam)
    if recipe.endswith("no-dropout"):
        params["dropout"] = (0.0, 0.0) if model == "convnet" else 0.0
    batch_size = 32 if recipe.endswith("-b32") else 128
    if batch_size != 128:
        params.update(batch_size=batch_size, predict__batch_size=128)
    if "-cosine" in recipe:
        params["optimizer__learning_rate"] = _cosine(epochs, batch_size, n_train)
    return params
