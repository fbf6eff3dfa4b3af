"""Collection: a module of the package that needs an optional framework is
left out of the doctests where that framework is not installed (the lowest
environment has no torch)."""

collect_ignore = []
try:
    import skorch  # noqa: F401
    import torch  # noqa: F401
except ImportError:
    collect_ignore.append("skmnistnoise/_skorch_epochs.py")
