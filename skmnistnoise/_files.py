"""Files that survive a killed process: atomic replacement, stale temporaries.

Everything skmnistnoise keeps on disk (downloaded datasets, stored fits, result
tables, reports) is written by :func:`atomic_write`: into a temporary file in
the target's folder, flushed to disk, then renamed over the target. A rename
within a folder is atomic, so a reader sees the old file, the whole new file or
no file, never half a file, whatever kills the writer (SIGKILL, a full disk, a
power cut before the rename). What a killed writer can leave behind is its
temporary file, named ``.<target name>.<random><suffix>``: no reader takes it
for a result, and :func:`remove_stale_temporaries` deletes it later.
"""

import os
import secrets
import time
from contextlib import contextmanager
from pathlib import Path

__all__ = ["STALE_AFTER", "atomic_write", "remove_stale_temporaries"]

# A temporary file older than this (seconds) has no live writer: writing one
# record or one table takes milliseconds, a download minutes.
STALE_AFTER = 3600.0


@contextmanager
def atomic_write(target, mode="w", *, suffix=".tmp", encoding=None):
    """Write ``target`` all at once: a temporary file, fsync, then a rename.

    Parameters
    ----------
    target : str or path-like
        The file to create or replace; its folder must exist.
    mode : {"w", "wb"}, default="w"
        Text or binary.
    suffix : str, default=".tmp"
        Suffix of the temporary file (``.part`` for downloads).
    encoding : str or None, default=None
        Encoding in text mode; None means UTF-8.

    Yields
    ------
    file : file object
        Open on the temporary file; ``file.name`` is its path. If the block
        raises, the temporary file is deleted and ``target`` is left as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "table.csv")
    >>> with atomic_write(path) as f:
    ...     _ = f.write("scale,accuracy\\n0.5,0.97\\n")
    >>> os.listdir(folder)
    ['table.csv']
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"The 'mode' parameter must be 'w' or 'wb'; got {mode!r}.")
    target = Path(target)
    # Exclusive creation ("x") of a random name, rather than tempfile.mkstemp:
    # the file gets the permissions of any new file (umask), not 0600.
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}{suffix}")
        try:
            if mode == "w":
                f = open(tmp, "x", encoding=encoding or "utf-8", newline="")
            else:
                f = open(tmp, "xb")
            break
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def remove_stale_temporaries(folder, suffix=".tmp", *, older_than=STALE_AFTER):
    """Delete the temporary files that killed writers left in ``folder``.

    Only files named like :func:`atomic_write`'s temporaries (a leading dot and
    ``suffix``) and last modified more than ``older_than`` seconds ago are
    removed, so a writer still at work in another process keeps its file.

    Parameters
    ----------
    folder : str or path-like
        The folder; a missing folder has nothing to remove.
    suffix : str, default=".tmp"
        Suffix of the temporaries.
    older_than : float, default=3600
        Minimum age in seconds.

    Returns
    -------
    removed : list of pathlib.Path
        The files deleted.

    Examples
    --------
    >>> import tempfile
    >>> remove_stale_temporaries(tempfile.mkdtemp())
    []
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    deadline = time.time() - older_than
    removed = []
    for path in folder.glob(f".*{suffix}"):
        try:
            if path.is_file() and path.stat().st_mtime < deadline:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # another process cleaned it first
            continue
    return sorted(removed)
