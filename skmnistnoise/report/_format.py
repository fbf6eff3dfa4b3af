"""How the report writes a number, a time, a scale or a model in a table cell.

Every section formats its cells with these, so a scale or an interval reads
the same in the settings, the result tables and the certified tables.
"""

import math

from .._registry import MODEL_NAMES


def fmt_time(seconds):
    """Seconds as ``1h02m03s``, ``1m23s`` or ``7s``; "unknown" for None or NaN."""
    if seconds is None or not math.isfinite(seconds):
        return "unknown"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m{s:02d}s"
    return f"{m}m{s:02d}s" if m else f"{s}s"


def fmt_scale(value):
    """A noise scale (or sigma) with four significant digits."""
    value = float(value)
    return "nan" if math.isnan(value) else f"{value:.4g}"


def fmt_interval(low, high, digits=4):
    """``[low, high]``, or "" where a bound is not finite."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def model_name(model):
    """A model's name in tables: ``MLP``, ``ConvNet``, or the key as given."""
    return MODEL_NAMES.get(model, str(model))


def keyed(results, column, by):
    """``results.aggregate(column, by=by)`` keyed by the values of ``by``."""
    return {tuple(a[k] for k in by): a for a in results.aggregate(column, by=by)}
