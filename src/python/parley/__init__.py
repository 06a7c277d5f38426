"""Parley from Python: run scenarios, sweep keys and read Parley files as xarray Datasets.

    import parley
    ds = parley.run("scenarios/miami-2025.toml", runs=20_000, seed=1)
    parley.tidy(ds).groupby("outcome", observed=False)["round"].mean()

``run`` and ``sweep`` run the ``parley`` program's own commands in this process (the compiled
module ``parley._parley``): the same inputs are accepted, the same mistakes refused with the same
messages (raised as ``parley.ParleyError``, a ``ValueError``), and the same file is written, so
that a dataset equals the one ``parley run ... --seed S`` writes. The file is read back with
xarray and loaded into memory; it is kept only where ``out=`` names it.

While a command runs, the GIL is released (other threads go on), progress is shown (a tqdm bar
if tqdm is installed, otherwise a line on stderr every few seconds), and Ctrl-C (a notebook's
"interrupt") stops it as Ctrl-C stops the program: the runs in flight finish, and with ``out=``
the finished ones are kept in ``OUT.partial`` for ``parley run --resume``.

Every dataset Parley returns carries, beside the file's root attributes in ``ds.attrs``:
``ds.parley.groups`` (every group of the file, loaded), ``ds.parley.summary`` (a run file's
summary group), ``ds.parley.filetype`` and ``ds.parley.path`` (the kept file, or None).

``parley.files`` (pure Python, no compiled part) checks and reads files for scripts that only
read: the plotting script, the regression suite.
"""
from __future__ import annotations

import os
import shlex
import sys
import tempfile
import time
from typing import Any, Callable, Iterable, Mapping

try:
    import numpy as np
    import pandas as pd
    import xarray as xr
except ImportError as e:  # a python3 first on PATH without Debian's packages
    raise ImportError(f"{e.name} is not installed for this Python ({sys.executable}): run with "
                      "/usr/bin/python3, which scripts/setup provides with numpy, h5py, xarray, "
                      "pandas and matplotlib (Debian's python3-* packages)") from e

try:
    from . import _parley
except ImportError as e:  # the source tree's package (src/python): parley.files only
    _parley = None
    _missing = e

__all__ = ["run", "sweep", "compare", "open", "tidy", "call", "ParleyError", "version", "files",
           "MOST_RUNS_IN_MEMORY"]

version = _parley.version if _parley else None


def _compiled():
    if _parley is None:
        raise ImportError(
            "parley's compiled module is not on the path: build it (cmake --build build/release) "
            "and put build/release/python first on sys.path or PYTHONPATH, or install it "
            f"(cmake --install build/release --prefix ~/.local --component runtime): {_missing}")
    return _parley


class ParleyError(ValueError):
    """Bad input (scenario, key, value, flag or file): Parley's message, with file and key."""


# The group a file type's dataset is read from (the others are in ds.parley.groups).
_MAIN_GROUP = {
    "parley-runs": "runs",
    "parley-sweep": "grid",
    "parley-sobol": "sobol",
    "parley-posterior": "posterior",
}


@xr.register_dataset_accessor("parley")
class _ParleyAccessor:
    """What Parley knows about a dataset it returned (lost by xarray operations that copy)."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds
        self.groups: dict[str, xr.Dataset] = {}
        self.filetype: str | None = None
        self.path: str | None = None
        self.root: dict[str, Any] = {}  # the file's root attributes

    @property
    def summary(self) -> xr.Dataset | None:
        """A run file's summary group (P(agreement), outcome counts, deal quantiles, ...)."""
        return self.groups.get("summary")


def _progress_reporter(enabled: bool, unit: str) -> tuple[Callable[[int, int], None], Callable]:
    """(update(done, total), close()): a tqdm bar if tqdm is installed, else plain lines."""
    if not enabled:
        return (lambda done, total: None), (lambda: None)
    try:
        from tqdm import tqdm  # optional
    except ImportError:
        tqdm = None
    if tqdm is not None:
        state: dict[str, Any] = {"bar": None}

        def update(done: int, total: int) -> None:
            if total == 0:
                return
            if state["bar"] is None:
                state["bar"] = tqdm(total=total, unit=f" {unit}", unit_scale=True, desc="parley")
            bar = state["bar"]
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        def close() -> None:
            if state["bar"] is not None:
                state["bar"].close()

        return update, close

    # As the program off a terminal: a line every PARLEY_PROGRESS_SECONDS (here 5 by default).
    try:
        every = float(os.environ.get("PARLEY_PROGRESS_SECONDS", "5"))
    except ValueError:
        every = 5.0
    start = time.monotonic()
    last = {"t": start, "drawn": False}

    def update_plain(done: int, total: int) -> None:
        now = time.monotonic()
        if total == 0 or (now - last["t"] < every and done < total):
            return
        if done >= total and not last["drawn"]:
            return  # a short call: no line at all
        last["t"], last["drawn"] = now, True
        elapsed = now - start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else float("nan")
        print(f"parley: {done}/{total} {unit} ({100 * done / total:.1f}%), "
              f"elapsed {elapsed:.1f} s, ETA {eta:.1f} s", file=sys.stderr, flush=True)

    return update_plain, (lambda: None)


# The most runs run() and sweep() load into memory (about 1 kB each for the default scenario,
# so about 10 GB at the bound); more are refused before anything runs: run the program with -o
# and read the file in slices.
MOST_RUNS_IN_MEMORY = 10_000_000


def call(*args: str, progress: bool = False) -> str:
    """Run ``parley ARGS...`` in this process; returns what it printed.

    Raises ParleyError (exit 2: bad input), OSError (exit 1) or KeyboardInterrupt (interrupted),
    each with the program's message.
    """
    return _call([os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args], progress)


def _call(argv: list[str], progress: bool, most_rows: int = 0) -> str:
    for a in argv:
        if "\0" in a:
            raise ParleyError(f"parley {argv[0] if argv else ''}: an argument with a NUL character "
                              f"({a!r}; allowed: paths and values without NUL)")
    update, close = _progress_reporter(progress, "runs")
    try:
        code, out, err = _compiled().call(argv, shlex.join(["parley", *argv]), update, most_rows)
    finally:
        close()
    if code == 0:
        return out
    message = err.strip() or f"parley {argv[0] if argv else ''}: exit code {code}"
    if code == 2:
        raise ParleyError(message)
    if code == 130:
        raise KeyboardInterrupt(message)
    raise OSError(message)


def _toml_value(value: Any, key: str) -> str:
    """`value` as TOML text: numbers, strings, booleans, and lists and mappings of them (inline
    arrays and tables, nested as deep as TOML allows); anything else raises ParleyError."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        escaped = "".join(
            {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c)
            or (f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in value)
        return '"' + escaped + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, key) for v in value) + "]"
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            if not isinstance(k, str) or not k:
                raise ParleyError(f"set: {key}: the table key {k!r} is not a TOML key (allowed: "
                                  "non-empty strings)")
            bare = all(c.isascii() and (c.isalnum() or c in "_-") for c in k)
            parts.append(f"{k if bare else _toml_value(k, key)} = {_toml_value(v, key)}")
        return "{" + ", ".join(parts) + "}"
    raise ParleyError(f"set: {key}: a {type(value).__name__} is not a TOML value (allowed: "
                      "numbers, strings, booleans, and lists and dicts of them)")


def _set_flags(set: Mapping[str, Any] | Iterable[str] | None) -> list[str]:
    """--set KEY=VALUE flags from a mapping (any TOML-expressible value: numbers, strings,
    booleans, lists and dicts of them) or from "KEY=VALUE" strings."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        items = [f"{key}={_toml_value(value, str(key))}" for key, value in set.items()]
    else:
        items = [str(s) for s in set]
    flags = []
    for item in items:
        flags += ["--set", item]
    return flags


def _common_flags(runs, seed, threads, set, posterior) -> list[str]:
    flags = []
    if runs is not None:
        flags += ["--runs", str(runs)]
    if seed is not None:
        flags += ["--seed", str(seed)]
    flags += ["--threads", str(threads)]
    if posterior is not None:
        flags += ["--posterior", os.fspath(posterior)]
    return flags + _set_flags(set)


def _run_into(command: list[str], out: str | os.PathLike | None, force: bool,
              progress: bool) -> xr.Dataset:
    """Runs a command that writes -o FILE; returns open(FILE); FILE is removed unless `out`.
    An existing `out` is replaced only with `force` (never when it is one of the inputs)."""
    if out is not None:
        path = os.fspath(out)
        if force:
            command = [*command, "--force"]
        elif os.path.lexists(path):
            raise ParleyError(f"parley {command[0]}: {path}: file exists (use force=True to "
                              "overwrite it)")
        _call([*command, "-o", path, "--quiet"], progress, MOST_RUNS_IN_MEMORY)
        return open(path)
    with tempfile.TemporaryDirectory(prefix="parley-") as folder:
        path = os.path.join(folder, "out.h5")
        try:
            _call([*command, "-o", path, "--quiet"], progress, MOST_RUNS_IN_MEMORY)
        except KeyboardInterrupt:
            # The finished runs were in the temporary folder, which goes now.
            raise KeyboardInterrupt(f"parley {command[0]}: interrupted; nothing is kept without "
                                    "out= (give out=PATH to keep the finished runs for "
                                    "--resume)") from None
        ds = open(path)
        ds.parley.path = None
        return ds


def run(scenario: str | os.PathLike, runs: int | None = None, seed: int | None = None,
        threads: int = 0, set: Mapping[str, Any] | Iterable[str] | None = None, *,
        out: str | os.PathLike | None = None, force: bool = False,
        posterior: str | os.PathLike | None = None, trace: int = 0,
        progress: bool = True) -> xr.Dataset:
    """Runs a scenario as ``parley run`` does; returns the ``runs`` group as a Dataset.

    runs, seed: default to the scenario's [run] table. threads: 0 uses every core (the result
    does not depend on it). set: overrides, {key: value} with any TOML-expressible value
    (numbers, strings, booleans, lists and dicts of them, e.g. {"uniform": [0.03, 0.09]} or
    [["guarantees"]]) or ["key=value", ...] as after --set. out: keep the file there (else a temporary one is
    removed); an existing file there is replaced only with force=True, and never when it is one
    of the inputs. At most MOST_RUNS_IN_MEMORY runs (the result is loaded). posterior: a
    ``parley calibrate`` file to draw the sampled parameters from.
    trace: keep the round-by-round history of the first `trace` runs (ds.parley.groups["trace"]).
    The summary group is ``ds.parley.summary``; P(agreement) and its interval are also in
    ``ds.attrs``.
    """
    command = ["run", os.fspath(scenario), *_common_flags(runs, seed, threads, set, posterior)]
    if trace:
        command += ["--trace", str(trace)]
    return _run_into(command, out, force, progress)


def sweep(scenario: str | os.PathLike, vary: Mapping[str, Any] | Iterable[str] | None = None,
          runs: int | None = None, seed: int | None = None, threads: int = 0,
          set: Mapping[str, Any] | Iterable[str] | None = None, *, design: str | None = None,
          points: int | None = None, out: str | os.PathLike | None = None, force: bool = False,
          posterior: str | os.PathLike | None = None, progress: bool = True) -> xr.Dataset:
    """Runs ``parley sweep``; returns the ``grid`` group (one row per point) as a Dataset.

    vary: {key: [values]} or {key: "LO:HI:N"}, or ["KEY=LO:HI:N", ...] as after --vary (the
    scenario's [sweep] table if None); values are numbers or any value set= takes (words,
    booleans, lists such as agendas, dicts), each then a level of the key. design: "factorial" (default), "lhs" (with `points`) or
    a CSV file of points (one column per key). Every point runs the same random numbers
    (run i draws the same at every point): ``ds.parley.groups["runs"]`` holds each run, with
    its ``point``, for paired differences between points. out, force: as for run(); at most
    MOST_RUNS_IN_MEMORY runs in all points together.
    """
    command = ["sweep", os.fspath(scenario), *_common_flags(runs, seed, threads, set, posterior)]
    if vary is not None:
        if isinstance(vary, Mapping):
            specs = []
            for key, values in vary.items():
                if isinstance(values, str):
                    specs.append(f"{key}={values}")
                else:
                    specs.append(f"{key}=" + ",".join(_vary_value(v, key) for v in values))
        else:
            specs = [str(v) for v in vary]
        for spec in specs:
            command += ["--vary", spec]
    if design is not None:
        command += ["--design", os.fspath(design)]
    if points is not None:
        command += ["--points", str(points)]
    return _run_into(command, out, force, progress)


def compare(base: str | os.PathLike, *others: str | os.PathLike,
            out: str | os.PathLike | None = None, force: bool = False) -> pd.DataFrame:
    """Runs ``parley compare BASE OTHER...``: each other runs file against `base`, every outcome
    measure's difference with its standard error, paired run by run where the files share their
    seed and runs (common random numbers), independent otherwise. Returns the tidy table, one
    row per other file and measure: base, other, measure, base_value, other_value, difference,
    standard_error, low_95, high_95, paired, beyond_noise. out: also keep the CSV there (an
    existing file only with `force`)."""
    files = [os.fspath(f) for f in (base, *others)]
    if not others:
        raise ParleyError("compare: give at least one runs file to compare with the base")
    with tempfile.TemporaryDirectory(prefix="parley-") as folder:
        path = os.fspath(out) if out is not None else os.path.join(folder, "compare.csv")
        if out is not None and not force and os.path.lexists(path):
            raise ParleyError(f"parley compare: {path}: file exists (use force=True to overwrite "
                              "it)")
        _call(["compare", *files, "-o", path, "--quiet", *(["--force"] if force else [])], False)
        table = pd.read_csv(path, keep_default_na=True)
    table["paired"] = table["paired"].astype(bool)
    table["beyond_noise"] = table["beyond_noise"].map({1: True, 0: False, 1.0: True, 0.0: False})
    return table


def _vary_value(v: Any, key: str) -> str:
    """A value of a --vary list as the command line writes it: a word bare (as the program's
    own grid then labels it), anything else as TOML text (numbers, booleans, lists, tables)."""
    if isinstance(v, str) and v and (v[0].isalpha() or v[0] == "_") and v not in (
            "true", "false", "inf", "nan") and all(c.isascii() and (c.isalnum() or c in "_-")
                                                    for c in v):
        return v
    return _toml_value(v, key)


def open(path: str | os.PathLike, group: str | None = None) -> xr.Dataset:  # noqa: A001
    """Reads a Parley file (runs, shard, partial, sweep, Sobol or posterior) after validating it.

    The file is first checked by the reader ``parley info`` uses for its type (format version,
    checksums, shapes, indices): a damaged or foreign file raises ParleyError naming what is
    wrong, never returns wrong data. Returns `group` (default: the file type's main group: runs,
    grid, sobol or posterior) loaded into memory, with the root attributes in ``ds.attrs`` and
    every group in ``ds.parley.groups``.
    """
    path = os.fspath(path)
    if "\0" in path:
        raise ParleyError(f"{path!r}: a path with a NUL character (allowed: paths without NUL)")
    try:
        filetype = _compiled().check(path)
    except ValueError as e:
        raise ParleyError(str(e)) from None
    import h5py  # the group names; xarray reads one group at a time

    # The file passed Parley's own reader; what h5py and xarray still refuse (text that is not
    # UTF-8, an object Parley does not write) is said as Parley says it, naming the file.
    try:
        with h5py.File(path, "r") as f:
            names = [k for k, v in f.items() if isinstance(v, h5py.Group)]
            root = {k: _attr(v) for k, v in f.attrs.items()}
        groups = {}
        for name in names:
            with xr.open_dataset(path, group=name, engine="h5netcdf") as g:
                groups[name] = g.load()
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        raise ParleyError(f"{path}: not readable as a Parley file by xarray ({type(e).__name__}: "
                          f"{e})") from None
    main = group or _MAIN_GROUP.get(filetype, names[0] if names else None)
    if main not in groups:
        raise ParleyError(f"{path}: no group '{main}' (groups: {', '.join(names)})")
    ds = groups[main]
    ds.attrs = {**root, **ds.attrs}
    summary = groups.get("summary")
    if summary is not None:
        for key in ("p_agreement", "p_agreement_low", "p_agreement_high"):
            if key in summary:
                ds.attrs[key] = float(summary[key])
    # Every group knows the file it came from (its root attributes: a sweep's layout, ...).
    for g in groups.values():
        g.parley.groups = groups
        g.parley.filetype = filetype
        g.parley.path = path
        g.parley.root = root
    return ds


def _attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return [v.decode("utf-8") if isinstance(v, bytes) else v for v in value.tolist()]
    return value


def tidy(ds: xr.Dataset) -> pd.DataFrame:
    """One row per run: Parley's runs as a plain pandas table that naive code reads right.

    - "no value" markers are missing (NaN / <NA>): ``round`` is the round of the deal, missing
      where there was none, so a mean over it is a mean over deals;
    - ``outcome``, ``blocker``, ``obstacle``, ... (variables with flag_values / flag_meanings)
      are pandas categoricals with their names ("agreement", "russia", "territory");
    - a variable over runs and agents or issues becomes one column per label, "deal.territory",
      "utility.russia";
    - sampled parameters keep their scenario keys as names ("agents.russia.war_cost") and are
      listed in ``df.attrs["parameters"]``;
    - in a sweep, a key varied over levels (words, agendas) is a categorical column of each
      run's level, beside the numeric keys' own columns;
    - variables over other dimensions (traces) are left out.
    """
    if not isinstance(ds, xr.Dataset):
        raise ParleyError(f"tidy: expected an xarray Dataset (as parley.run or parley.open "
                          f"returns), got {type(ds).__name__}")
    if "run" not in ds.dims:
        # Name the group it is, and where the runs are when the file has them (a sweep opens on
        # its grid, one row per point).
        groups = ds.parley.groups
        which = next((name for name, g in groups.items() if g is ds), None)
        where = f"the group '{which}' of {ds.parley.path}" if which else "the dataset"
        hint = (f"its runs: parley.tidy(parley.open({ds.parley.path!r}, group='runs'))"
                if "runs" in groups and which != "runs" else "a runs group is needed")
        raise ParleyError(f"tidy: {where} has no 'run' dimension ({hint})")
    columns: dict[str, Any] = {}
    parameters = []
    for name, var in ds.data_vars.items():
        if var.dims == ("run",):
            columns[name] = _column(var)
            if var.attrs.get("role") == "sampled parameter":
                parameters.append(name)
        elif len(var.dims) == 2 and var.dims[0] == "run":
            other = var.dims[1]
            labels = ds[other].values if other in ds.coords else range(var.shape[1])
            for j, label in enumerate(labels):
                label = label.decode() if isinstance(label, bytes) else str(label)
                columns[f"{name}.{label}"] = _column(var[:, j])
    # A sweep's keys of levels (words, agendas) have no column of their own in runs/: each row
    # takes its point's level, from the file's layout (attributes varied, sweep_points and
    # sweep_levels), as a categorical in the order the levels were given.
    attrs = {**ds.parley.root, **ds.attrs}
    if "point" in columns and attrs.get("sweep_levels"):
        keys = str(attrs["varied"]).split("\n")
        points = [line.split() for line in str(attrs["sweep_points"]).splitlines()]
        levels: dict[int, list[str]] = {}
        for line in str(attrs["sweep_levels"]).splitlines():
            j, _, level = line.partition("\t")
            levels.setdefault(int(j), []).append(level)
        point = np.asarray(columns["point"])
        for j, names in levels.items():
            of_point = [names[int(float(row[j]))] for row in points]
            columns[keys[j]] = pd.Categorical.from_codes(
                [names.index(of_point[p]) for p in point], categories=names)
    index = pd.Index(ds["run"].values, name="run")
    df = pd.DataFrame(columns, index=index)
    df.attrs["parameters"] = parameters
    return df


def _column(var: xr.DataArray) -> Any:
    """Values with missing markers as missing; flag variables as categoricals."""
    values = var.values
    meanings = var.attrs.get("flag_meanings")
    flags = var.attrs.get("flag_values")
    if meanings is not None and flags is not None:
        names = (meanings.decode() if isinstance(meanings, bytes) else str(meanings)).split()
        codes = np.full(values.shape, -1, dtype=np.int64)
        for value, label in zip(np.asarray(flags).tolist(), range(len(names))):
            codes[values == value] = label
        return pd.Categorical.from_codes(codes, categories=names)
    if values.dtype.kind == "S":
        return [v.decode() for v in values]
    return values
