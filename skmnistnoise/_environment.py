"""The machine and the libraries behind a number: versions, CPU, ``show_versions``.

Every stored fit, every report and every benchmark record says which
processor and which library versions computed it, from the functions here
(one description, written once).
"""

import importlib.metadata
import os
import platform

_DISTRIBUTIONS = (
    ("python", None),
    ("numpy", ("numpy",)),
    ("scipy", ("scipy",)),
    ("scikit-learn", ("scikit-learn",)),
    ("keras", ("keras",)),
    ("tensorflow", ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly")),
    ("scikeras", ("scikeras",)),
    ("matplotlib", ("matplotlib",)),
    ("skmnistnoise", ("skmnistnoise",)),
)

# Flags named in the description, widest first; the bfloat16 ones say whether
# Keras' mixed_bfloat16 policy runs on the CPU's own units or is emulated.
_VECTOR_FLAGS = (
    ("avx512f", "AVX-512"),
    ("avx2", "AVX2"),
    ("avx", "AVX"),
    ("fma", "FMA"),
    ("avx512_bf16", "AVX512_BF16"),
    ("amx_bf16", "AMX-BF16"),
    ("asimd", "ASIMD"),
    ("sve", "SVE"),
    ("neon", "NEON"),
)


def library_versions():
    """Versions of Python and of the libraries behind the numbers.

    Returns
    -------
    versions : dict of str to str
        ``python``, ``numpy``, ``scipy``, ``scikit-learn``, ``keras``,
        ``tensorflow``, ``scikeras``, ``matplotlib`` and ``skmnistnoise``;
        "not installed" for a missing one.

    See Also
    --------
    show_versions : The same, with the CPU, printed.

    Examples
    --------
    >>> from skmnistnoise import library_versions
    >>> list(library_versions())[:3]
    ['python', 'numpy', 'scipy']
    """
    versions = {}
    for name, distributions in _DISTRIBUTIONS:
        if distributions is None:
            versions[name] = platform.python_version()
            continue
        for dist in distributions:
            try:
                versions[name] = importlib.metadata.version(dist)
                break
            except importlib.metadata.PackageNotFoundError:
                continue
        else:
            versions[name] = "not installed"
    if versions["skmnistnoise"] == "not installed":  # running from a source tree
        from . import __version__

        versions["skmnistnoise"] = __version__
    return versions


def cpu_flags():
    """The processor's feature flags, as the operating system lists them.

    Returns
    -------
    flags : frozenset of str
        E.g. ``{"avx2", "avx512f", "amx_bf16", ...}``; empty where the system
        does not say (not Linux).

    Examples
    --------
    >>> from skmnistnoise import cpu_flags
    >>> isinstance(cpu_flags(), frozenset)
    True
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return frozenset(value.split())
    except OSError:
        pass
    return frozenset()


def _cpu_model():
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return model


def cpu_description():
    """The processor's model and its widest vector instructions, in one line.

    Numbers are bit-identical only on the same kind of processor (and the same
    library versions): the report, every stored fit and every benchmark
    record say which it was. ``AVX512_BF16`` and ``AMX-BF16`` are named where
    present: without them bfloat16 arithmetic is emulated.

    Returns
    -------
    cpu : str
        E.g. ``"AMD EPYC, x86_64, 2 cores, AVX-512 AVX2 FMA AVX512_BF16"``;
        the model is "unknown" where the system does not say.

    Examples
    --------
    >>> from skmnistnoise import cpu_description
    >>> "cores" in cpu_description()
    True
    """
    flags = cpu_flags()
    vector = [name for flag, name in _VECTOR_FLAGS if flag in flags]
    if "AVX-512" in vector or "AVX2" in vector:
        vector = [v for v in vector if v != "AVX"]
    parts = [_cpu_model(), platform.machine(), f"{os.cpu_count()} cores"]
    return ", ".join(parts) + (f", {' '.join(vector)}" if vector else "")


def show_versions():
    """Print the versions, the CPU and the platform, for a bug report.

    See Also
    --------
    library_versions, cpu_description

    Examples
    --------
    >>> from skmnistnoise import show_versions
    >>> show_versions()  # doctest: +ELLIPSIS
    <BLANKLINE>
    System:
    ...
    """
    print("\nSystem:")
    print(f"{'platform':>14}: {platform.platform()}")
    print(f"{'cpu':>14}: {cpu_description()}")
    print("\nPython and libraries:")
    for name, version in library_versions().items():
        print(f"{name:>14}: {version}")
