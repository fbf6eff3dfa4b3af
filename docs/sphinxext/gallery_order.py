"""The order of the examples in the gallery: the order of the study's story.

sphinx-gallery instantiates :class:`StoryOrder` with the examples' folder
(``within_subsection_order`` in ``conf.py``) and sorts the file names by it.
An example missing from :data:`ORDER` comes last, by name.
"""

ORDER = (
    "plot_noisy_samples.py",
    "plot_validation_curve.py",
    "plot_per_epoch_curves.py",
    "plot_mlp_vs_convnet.py",
    "plot_grid_search_train_noise.py",
    "plot_noise_averaged_prediction.py",
    "plot_robustness_matrix.py",
    "plot_mnist_c.py",
    "plot_pytorch_model.py",
)


class StoryOrder:
    """Sort key of the gallery: position in :data:`ORDER`, then the name.

    Parameters
    ----------
    src_dir : str or path-like
        The examples' folder (unused; sphinx-gallery passes it).
    """

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __repr__(self):
        return "<StoryOrder>"

    def __call__(self, filename):
        name = str(filename)
        rank = ORDER.index(name) if name in ORDER else len(ORDER)
        return (rank, name)
