"""Parley files read back whole, and compared bit for bit, for the end-to-end tests."""
import h5py


def datasets(path):
    """Every dataset of a file by name, read into memory."""
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def same(a, b):
    """Bit-identical datasets (NaNs included); strings compared as strings."""
    if a.dtype == object or a.dtype.kind in "SU":
        return a.shape == b.shape and list(a.ravel()) == list(b.ravel())
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def differing(want, got):
    """The dataset names in only one of two files' datasets(), or not the same in both."""
    names = set(want) | set(got)
    return sorted(n for n in names if n not in want or n not in got or not same(want[n], got[n]))
