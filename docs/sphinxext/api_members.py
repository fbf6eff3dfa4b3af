"""Sphinx extension: the API pages document skmnistnoise's own members only.

A class page of the API reference (``docs/_templates/class.rst``) asks autodoc
for every member, inherited ones included, so that methods defined on a
private base class of skmnistnoise (``_BaseNoise.transform``) are shown on
the public class. Members that the class inherits from scikit-learn, SciKeras
or Dask (``get_params``, ``set_output``, ``predict`` of SciKeras,
``get_metadata_routing`` ...) are left out: their docstrings are those
projects' own, written for their documentation (their user guide, their
version history, their gallery's labels), and read as noise here. Instead,
the class's docstring ends with one line per origin that names them and links
to the class that documents them (:class:`sklearn.base.BaseEstimator`, ...),
through the local inventories (``local_inventories``).

The ``set_*_request`` methods, which scikit-learn generates on each estimator
class for metadata routing, are left out too, and not listed.
"""

import inspect

OWN_PACKAGE = "skmnistnoise"


def _defining_module(member):
    """The module that defines a class member, or None if it cannot be told."""
    target = (
        getattr(member, "fget", None) or getattr(member, "__func__", None) or member
    )
    target = inspect.unwrap(target) if callable(target) else target
    module = getattr(target, "__module__", None)
    return module if isinstance(module, str) else None


def _is_metadata_request(name):
    return name.startswith("set_") and name.endswith("_request")


def _is_own(module):
    return module == OWN_PACKAGE or module.startswith(OWN_PACKAGE + ".")


def skip_foreign_member(app, what, name, obj, skip, options):
    """``autodoc-skip-member``: skip what skmnistnoise did not write."""
    if what != "class":
        return None
    if _is_metadata_request(name):
        return True
    module = _defining_module(obj)
    if module is not None and not _is_own(module):
        return True
    return None


def _public_path(cls):
    """``module.Class`` if no part of it is private, else None."""
    parts = [*cls.__module__.split("."), cls.__qualname__]
    if any(p.startswith("_") for p in parts):
        return None
    return ".".join(parts)


def inherited_members(cls):
    """``{public class path: [names]}`` of the public members ``cls`` inherits.

    A member counts as inherited when the first class of the MRO that defines
    it is not skmnistnoise's; it is credited to the first public class of the
    MRO that has it (``set_output``, defined by a private scikit-learn mixin,
    to :class:`sklearn.base.TransformerMixin`).
    """
    found = {}
    for name in sorted(dir(cls)):
        if name.startswith("_") or _is_metadata_request(name):
            continue
        owner = next((c for c in cls.__mro__ if name in vars(c)), None)
        if owner is None or owner is object or _is_own(owner.__module__):
            continue
        public = next(
            (
                path
                for c in cls.__mro__
                if c is not object
                and not _is_own(c.__module__)
                and hasattr(c, name)
                and (path := _public_path(c))
            ),
            None,
        )
        if public is not None:
            found.setdefault(public, []).append(name)
    return found


def note_inherited_members(app, what, name, obj, options, lines):
    """``autodoc-process-docstring``: end a class docstring with what it inherits."""
    if what != "class" or not inspect.isclass(obj) or not _is_own(obj.__module__):
        return
    inherited = inherited_members(obj)
    if not inherited:
        return
    lines += ["", ".. rubric:: Inherited members", ""]
    for path, names in inherited.items():
        listed = ", ".join(f"``{n}``" for n in names)
        lines += [f"From :class:`~{path}`: {listed}.", ""]


def setup(app):
    app.connect("autodoc-skip-member", skip_foreign_member)
    # After numpydoc (priority 500) has turned the docstring into reST.
    app.connect("autodoc-process-docstring", note_inherited_members, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
