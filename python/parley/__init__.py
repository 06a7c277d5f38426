"""Parley from Python. `parley.files` reads the HDF5 files the `parley` program writes."""
