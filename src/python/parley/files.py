"""Reading the HDF5 files Parley writes: one place that knows their kinds and versions.

Every reader (scripts/plot_outcomes.py, the notebook, the end-to-end tests) opens files
through here, so that a file of another kind or of another major format version is refused
with one clear message instead of being misread:

    from parley import files
    h = files.header("results/miami-2025.h5")          # root attributes, checked
    runs = files.group("results/miami-2025.h5", "runs") # an xarray Dataset
    files.decode_flags(runs.outcome)                     # "agreement", "walk-out", ...

Needs h5py and numpy; `group` needs xarray and h5netcdf (Debian: python3-h5py
python3-xarray python3-h5netcdf).
"""
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # a python3 first on PATH without Debian's packages
    raise ImportError(f"{e.name} is not installed for this Python ({sys.executable}): run with "
                      "/usr/bin/python3, which scripts/setup provides with numpy, h5py, xarray, "
                      "pandas and matplotlib (Debian's python3-* packages)") from e

RUNS, SWEEP, SOBOL, POSTERIOR = "parley-runs", "parley-sweep", "parley-sobol", "parley-posterior"
FILETYPES = (RUNS, SWEEP, SOBOL, POSTERIOR)
# The major format version this module reads (the program's kFormatVersion, run_header.hpp):
# minor versions only add, so any 1.x file is read.
FORMAT_MAJOR = 1


class FileError(ValueError):
    """A file that is not a Parley file of an allowed kind and format version."""


def text(value):
    """An HDF5 string (bytes or str) as str."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _value(value):
    if isinstance(value, (bytes, str)):
        return text(value)
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def check_header(path, attrs, allowed=FILETYPES):
    """Root attributes as a dict, after checking the filetype and the format version."""
    h = {k: _value(v) for k, v in attrs.items()}
    kind = h.get("filetype", "")
    if kind not in allowed:
        raise FileError(f'{path}: not a Parley file of the kind wanted (filetype "{kind}"; '
                        f"allowed: {', '.join(allowed)})")
    version = h.get("format_version", "")
    major, dot, minor = version.partition(".")
    if not (dot and major.isdigit() and minor.isdigit()):
        raise FileError(f'{path}: format_version "{version}" is missing or not MAJOR.MINOR '
                        f"(allowed: {FORMAT_MAJOR}.x)")
    if int(major) != FORMAT_MAJOR:
        raise FileError(f"{path}: format_version {version} is of another major format than this "
                        f"reader's (allowed: {FORMAT_MAJOR}.x)")
    # From format 1.1 on, a checksum covers the text attributes as a whole: a file whose texts
    # were changed or mixed from two files no longer matches it.
    if version != "1.0" or "text_crc32" in h:
        if h.get("text_crc32") != text_crc32(h):
            raise FileError(f"{path}: attribute text_crc32 does not match the file's text "
                            "attributes: the file is damaged")
    return h


# The text attributes text_crc32 covers, in order (docs/output.md, "Output layout", Integrity).
TEXT_ATTRIBUTES = ("filetype", "format_version", "parley_version", "created_utc", "command_line",
                   "scenario_name", "scenario_toml", "overrides", "protocol", "shard", "varied",
                   "design", "sweep_points", "sweep_axes", "posterior_source",
                   "posterior_population", "observations_toml", "stopped", "parameters",
                   "sweep_levels")


def text_crc32(attrs):
    """CRC-32 over each text attribute present: its name, NUL, its value, NUL."""
    import zlib
    crc = 0
    for name in TEXT_ATTRIBUTES:
        if name in attrs and isinstance(attrs[name], str):
            crc = zlib.crc32(name.encode() + b"\0" + attrs[name].encode() + b"\0", crc)
    return crc


def header(path, allowed=FILETYPES):
    """The checked root attributes of a Parley file (strings as str, numbers as int)."""
    with h5py.File(path, "r") as f:
        return check_header(path, f.attrs, allowed)


def open_file(path, allowed=FILETYPES, mode="r"):
    """An h5py.File, after checking its kind and version (close it, or use `with`)."""
    f = h5py.File(path, mode)
    try:
        check_header(path, f.attrs, allowed)
    except Exception:
        f.close()
        raise
    return f


def group(path, name, allowed=FILETYPES):
    """Group `name` ("runs", "summary", "grid", "trace", "indices") as an xarray Dataset with
    its dimension scales as coordinates."""
    import xarray as xr

    header(path, allowed)
    return xr.open_dataset(path, group=name, engine="h5netcdf")


def decode_flags(variable):
    """The names of a CF flag variable's values (e.g. runs/outcome: "agreement", "walk-out",
    "deadline", "partial"), as a numpy array of str; values without a meaning are refused."""
    attrs = variable.attrs
    values = [int(v) for v in np.ravel(attrs["flag_values"])]
    meanings = text(attrs["flag_meanings"]).split()
    if len(values) != len(meanings):
        raise FileError("flag_values and flag_meanings differ in length")
    table = dict(zip(values, meanings))
    data = np.asarray(variable[()] if not hasattr(variable, "values") else variable.values)
    unknown = set(np.unique(data).tolist()) - set(table)
    if unknown:
        raise FileError(f"values {sorted(unknown)} have no flag meaning (allowed: {values})")
    return np.vectorize(table.__getitem__, otypes=[object])(data).astype(str)


def datasets(path, allowed=FILETYPES):
    """Every dataset of a checked file by name, read into memory."""
    out = {}
    with open_file(path, allowed) as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()])
                     if isinstance(obj, h5py.Dataset) else None)
    return out
