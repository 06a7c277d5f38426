"""Every kind of Parley file read as a netCDF/CF user reads it: netCDF-C (`ncdump`) opens it,
xarray decodes it, and the CF conventions the files promise hold for every variable:
`long_name` everywhere, `units` only where UDUNITS parses them (`udunits2`), every "no value"
marker a `_FillValue`, flags with as many meanings as values, counts as integers, labels as
coordinates. Run by ctest with PARLEY_BIN and PARLEY_SOURCE_DIR set."""
import os
import shutil
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
import xarray as xr

from h5files import text

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")
OBSERVED = os.path.join(SRC, "scenarios", "observations", "miami-2025.toml")
COUNTS = ("outcome_count", "survival_deals", "breakdown_count", "simulations", "spearman_pairs")


class Conventions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cls.files = {
            "run (traced)": (os.path.join(t, "run.h5"),
                             ["run", SCENARIO, "-n", "300", "--trace", "3", "--seed", "5"]),
            "shard": (os.path.join(t, "shard.h5"), ["run", SCENARIO, "-n", "300", "--shard", "2/3"]),
            "sweep": (os.path.join(t, "sweep.h5"),
                      ["sweep", SCENARIO, "-n", "60", "--vary", "agents.russia.war_cost=0.03,0.09"]),
            "sweep (lhs)": (os.path.join(t, "lhs.h5"),
                            ["sweep", SCENARIO, "-n", "40", "--design", "lhs", "--points", "3",
                             "--vary", "agents.russia.war_cost=0.03:0.09"]),
            "sobol": (os.path.join(t, "sobol.h5"), ["sobol", SCENARIO, "-n", "16"]),
            "posterior": (os.path.join(t, "posterior.h5"),
                          ["calibrate", SCENARIO, "--observed", OBSERVED, "--particles", "60",
                           "--generations", "2"]),
        }
        for path, args in cls.files.values():
            r = subprocess.run([BIN, *args, "-o", path, "-q"], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def variables(self, path):
        """(name, h5py dataset) of every dataset in the file."""
        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda n, o: found.append(n) if isinstance(o, h5py.Dataset) else None)
        return found

    def test_netcdf_c_reads_every_file_and_sees_the_global_attributes(self):
        ncdump = shutil.which("ncdump")
        self.assertIsNotNone(ncdump, "ncdump is missing: scripts/setup installs netcdf-bin")
        for kind, (path, _) in self.files.items():
            with self.subTest(kind):
                r = subprocess.run([ncdump, "-h", path], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                for attr in ("Conventions", "title", "history"):
                    self.assertIn(f":{attr} = ", r.stdout)
                self.assertIn(':Conventions = "CF-1.8"', r.stdout)
                # Every group, read by netCDF-C too.
                with h5py.File(path, "r") as f:
                    for name, obj in f.items():
                        if isinstance(obj, h5py.Group):
                            self.assertIn(f"group: {name} {{", r.stdout)

    def test_every_variable_has_a_long_name_and_only_udunits_units(self):
        udunits = shutil.which("udunits2")
        self.assertIsNotNone(udunits, "udunits2 is missing: scripts/setup installs udunits-bin")
        seen_units = set()
        for kind, (path, _) in self.files.items():
            with h5py.File(path, "r") as f:
                for name in self.variables(path):
                    with self.subTest(kind=kind, variable=name):
                        a = f[name].attrs
                        self.assertIn("long_name", a)
                        self.assertTrue(text(a["long_name"]).strip())
                        if "units" in a:
                            seen_units.add(text(a["units"]))
        self.assertIn("1", seen_units)
        for unit in sorted(seen_units):
            r = subprocess.run([udunits, "-H", unit, "-W", ""], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, f"units = {unit!r} is not UDUNITS: {r.stderr}")

    def test_no_value_markers_are_fill_values_and_flags_are_complete(self):
        for kind, (path, _) in self.files.items():
            with h5py.File(path, "r") as f:
                for name in self.variables(path):
                    d = f[name]
                    if d.dtype.kind not in "iuf" or d.size == 0:
                        continue
                    with self.subTest(kind=kind, variable=name):
                        v = d[()]
                        a = d.attrs
                        flags = np.atleast_1d(a.get("flag_values", [])).tolist()
                        if d.dtype.kind == "i" and np.any(v == -1) and -1 not in flags:
                            # -1 is either a flag with its meaning or the "no value" marker.
                            self.assertIn("_FillValue", a, "holds -1 markers")
                            self.assertEqual(int(a["_FillValue"]), -1)
                        if d.dtype.kind == "f" and np.any(np.isnan(v)):
                            self.assertIn("_FillValue", a, "holds NaN markers")
                            self.assertTrue(np.isnan(a["_FillValue"]))
                        if "flag_values" in a:
                            values = np.atleast_1d(a["flag_values"])
                            meanings = text(a["flag_meanings"]).split()
                            self.assertEqual(len(values), len(meanings))
                            fill = a.get("_FillValue")
                            used = set(np.unique(v).tolist()) - {fill if fill is None else int(fill)}
                            self.assertLessEqual(used, set(values.tolist()))

    def test_counts_are_integers(self):
        checked = 0
        for kind, (path, _) in self.files.items():
            with h5py.File(path, "r") as f:
                for name in self.variables(path):
                    if name.split("/")[-1] in COUNTS or name == "summary/runs":
                        checked += 1
                        self.assertEqual(f[name].dtype.kind, "i", f"{kind}: {name}")
        self.assertGreaterEqual(checked, 6)

    def test_xarray_decodes_markers_and_makes_labels_coordinates(self):
        path = self.files["run (traced)"][0]
        with h5py.File(path, "r") as f:
            rounds = f["runs/round"][()]
            names = [text(n) for n in f["runs/agent_name"][()]]
        with xr.open_dataset(path, group="runs", engine="h5netcdf") as runs:
            # Naive code gets the mean over the deals: the -1 markers are masked.
            self.assertAlmostEqual(float(runs["round"].mean()), rounds[rounds != -1].mean(), places=12)
            for label in ("agent_name", "issue_label", "issue_unit"):
                self.assertIn(label, runs.coords)
                self.assertNotIn(label, runs.data_vars)
            self.assertEqual([text(n) for n in runs.utility.agent_name.values], names)
            # Sampled parameters are marked; nothing else is.
            marked = [v for v in runs.data_vars if runs[v].attrs.get("role") == "sampled parameter"]
            self.assertIn("agents.russia.war_cost", marked)
            self.assertTrue(all("." in v for v in marked))
            self.assertNotIn("outcome", marked)
        for kind, (path, _) in self.files.items():
            with h5py.File(path, "r") as f:
                groups = [k for k, v in f.items() if isinstance(v, h5py.Group)]
            for g in groups:
                with self.subTest(kind=kind, group=g):
                    with xr.open_dataset(path, group=g, engine="h5netcdf") as ds:
                        for name, var in ds.variables.items():
                            self.assertIn("long_name", var.attrs, name)


if __name__ == "__main__":
    unittest.main()
