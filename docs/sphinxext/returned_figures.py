"""A sphinx-gallery image scraper for figures that pyplot does not manage.

The functions of :mod:`skmnistnoise.plotting` build their figures with
:class:`matplotlib.figure.Figure` directly, outside pyplot, so sphinx-gallery's
matplotlib scraper (which saves ``plt.get_fignums()``) never sees them. This
scraper saves every figure that an example's variables hold (a ``Figure``,
an ``Axes``, a Display with a ``figure_``, or a list, tuple or dict of them)
and that it has not saved before, after each cell, in the order the variables
were first assigned.
Figures made with pyplot are left to the matplotlib scraper, listed next to
this one in ``image_scrapers``.

A figure is saved once, after the cell that created it: a later cell that
changes it must assign a new figure to be shown again.
"""

import weakref

_SEEN_KEY = "_returned_figures_seen"


def _figures_in(value):
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        yield value
    elif isinstance(getattr(value, "figure_", None), Figure):  # a Display
        yield value.figure_
    elif isinstance(value, Axes):
        yield value.get_figure(root=True)
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Figure | Axes):
                yield from _figures_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, Figure | Axes):
                yield from _figures_in(item)


def _titles(fig):
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    return ", ".join(t.replace("\n", " ") for t in titles if t)


def returned_figures(block, block_vars, gallery_conf):
    """Save the example's new pyplot-free figures; return their reST.

    Parameters
    ----------
    block : tuple
        The code block that ran (unused).
    block_vars : dict
        sphinx-gallery's per-example variables: ``example_globals`` and
        ``image_path_iterator``; the set of figures already saved is kept
        here, so it lasts for one example.
    gallery_conf : dict
        sphinx-gallery's configuration (``src_dir``).

    Returns
    -------
    rst : str
        The images' reST, empty when the cell made no new figure.
    """
    from sphinx_gallery.scrapers import figure_rst

    seen = block_vars.setdefault(_SEEN_KEY, weakref.WeakSet())
    new = []
    for value in list(block_vars["example_globals"].values()):
        for fig in _figures_in(value):
            managed = getattr(fig.canvas, "manager", None) is not None
            if fig in seen or managed or any(fig is f for f in new):
                continue
            new.append(fig)
    paths, titles = [], []
    for fig, path in zip(new, block_vars["image_path_iterator"]):
        fig.savefig(path)
        seen.add(fig)
        paths.append(path)
        titles.append(_titles(fig))
    if not paths:
        return ""
    return figure_rst(paths, gallery_conf["src_dir"], "; ".join(titles))
