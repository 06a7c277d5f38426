"""Parley files for the end-to-end tests: opened through the project's reader module
(src/python/parley/files.py, which checks each file's kind and format version), and compared bit
for bit."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "python"))

from parley.files import FileError, datasets, decode_flags, group, header, open_file, text  # noqa: E402,F401


def same(a, b):
    """Bit-identical datasets (NaNs included); strings compared as strings."""
    if a.dtype == object or a.dtype.kind in "SU":
        return a.shape == b.shape and list(a.ravel()) == list(b.ravel())
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def differing(want, got):
    """The dataset names in only one of two files' datasets(), or not the same in both."""
    names = set(want) | set(got)
    return sorted(n for n in names if n not in want or n not in got or not same(want[n], got[n]))


def reseal(f):
    """Makes an open file's text checksum match its text attributes again, as a file written
    with those texts would have it (a test that edits a text attribute tests what follows)."""
    import numpy as np
    from parley.files import text_crc32, _value
    f.attrs["text_crc32"] = np.int64(text_crc32({k: _value(v) for k, v in f.attrs.items()}))
