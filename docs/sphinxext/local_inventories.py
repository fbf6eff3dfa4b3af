"""Sphinx extension: intersphinx links to other projects, without the network.

Intersphinx links a name such as :class:`sklearn.pipeline.Pipeline` to the
page of another project's documentation by looking it up in that project's
``objects.inv``, which it normally downloads at every build. This build must
work offline and in CI without network access, so the inventories are kept
here, as text: ``docs/inventories/<name>.txt`` lists the objects of one
project that these pages link to, one per line, in the format of a Sphinx
inventory (version 2) before compression::

    # Project: NumPy
    # Version: stable
    # URL: https://numpy.org/doc/stable/
    numpy.ndarray py:class 1 reference/generated/numpy.ndarray.html#$ -

(name, domain:role, priority, location relative to the URL, where ``$`` is
the name, and the display name, ``-`` for the name itself). At
``config-inited`` this extension compresses each file into a real
``objects.inv`` in the build's doctree folder and adds it to
``intersphinx_mapping``, so intersphinx resolves the links from the file and
never asks the network. Keras publishes no inventory (keras.io is not built
with Sphinx): its file maps the Keras names to keras.io's pages the same way.

A name missing from these files stays plain text, as any unresolved
reference to another project does; to link a new one, add its line.
"""

import zlib
from pathlib import Path

HEADER_FIELDS = ("Project", "Version", "URL")


def read_inventory_text(path):
    """The header fields and the object lines of one ``.txt`` inventory."""
    fields, lines = {}, []
    for number, raw in enumerate(
        Path(path).read_text(encoding="utf-8").splitlines(), 1
    ):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, sep, value = line.lstrip("# ").partition(":")
            if sep and key in HEADER_FIELDS:
                fields[key] = value.strip()
            continue
        parts = line.split(None, 4)
        if len(parts) != 5 or ":" not in parts[1] or not parts[2].lstrip("-").isdigit():
            raise ValueError(
                f"{path}:{number}: expected 'name domain:role priority location "
                f"display-name', got {raw!r}"
            )
        lines.append(" ".join(parts))
    missing = [f for f in HEADER_FIELDS if f not in fields]
    if missing:
        raise ValueError(f"{path}: no '# {missing[0]}: ...' header line")
    return fields, lines


def compress_inventory(fields, lines):
    """``objects.inv`` bytes (Sphinx inventory version 2) of the lines."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {fields['Project']}\n"
        f"# Version: {fields['Version']}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{line}\n" for line in lines)
    return header.encode("utf-8") + zlib.compress(body.encode("utf-8"))


def _add_local_inventories(app, config):
    source = Path(app.srcdir) / config.local_inventories_dir
    out = Path(app.doctreedir) / "local_inventories"
    out.mkdir(parents=True, exist_ok=True)
    mapping = dict(config.intersphinx_mapping or {})
    for path in sorted(source.glob("*.txt")):
        fields, lines = read_inventory_text(path)
        inv = out / f"{path.stem}.inv"
        data = compress_inventory(fields, lines)
        if not inv.is_file() or inv.read_bytes() != data:
            inv.write_bytes(data)
        mapping[path.stem] = (fields["URL"], str(inv))
    config.intersphinx_mapping = mapping


def setup(app):
    app.setup_extension("sphinx.ext.intersphinx")
    app.add_config_value("local_inventories_dir", "inventories", "env")
    # Before intersphinx validates the mapping (priority 800).
    app.connect("config-inited", _add_local_inventories, priority=500)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
