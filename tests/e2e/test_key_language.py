"""One key language: every name a runs file gives a sampled parameter is a key that --set and
--vary take, meaning that parameter. Run by ctest with PARLEY_BIN and PARLEY_SOURCE_DIR set."""
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

from h5files import same

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")

# The default scenario with every kind of sampled name: drawn red lines and their limits
# (red_lines.<issue>.lo/hi), a shock with a drawn value (shocks.0.value), besides its ideals,
# Dirichlet weights, war costs, endurances and the protocol's and durability's draws.
RICH = ["--set", "agents.russia.red_lines.territory=[{uniform=[0.45,0.65]},1.0]",
        "--set", "agents.russia.red_line_limits.territory=[{uniform=[0.5,0.6]},1.0]",
        "--set", "agents.ukraine.red_lines.territory=[0.0,{uniform=[0.4,0.55]}]",
        "--set", 'shocks=[{key="agents.russia.war_cost", round=4, op="scale", '
                 'value={uniform=[1.2,1.6]}}]']
RUNS = "40"
OUTCOMES = ["agreement", "deal", "last_round", "outcome", "utility"]


def parley(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"parley {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return r


def read(path, names=None):
    with h5py.File(path, "r") as f:
        runs = f["runs"]
        params = [k for k in runs if runs[k].attrs.get("role") in (b"sampled parameter",
                                                                   "sampled parameter")]
        wanted = params if names is None else names
        return params, {k: runs[k][()] for k in wanted if k in runs}


def exact(v):
    return repr(float(v))


class KeyLanguage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.base = os.path.join(cls.tmp.name, "base.h5")
        parley("run", SCENARIO, "-n", RUNS, "-q", "-o", cls.base, *RICH)
        cls.params, cls.values = read(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_the_base_run_has_every_kind_of_name(self):
        for part in (".ideal.", ".weight.", ".war_cost", ".red_lines.territory.lo",
                     ".red_lines.territory.hi", ".red_line_limits.territory.lo", "shocks.0.value",
                     "durability.", "protocol."):
            self.assertTrue(any(part in k for k in self.params), part)

    def test_set_of_every_column_name_changes_that_column_and_no_other(self):
        for key in self.params:
            column = self.values[key]
            out = self.path("set.h5")
            if ".weight." in key:
                # A fixed normalised weight: the column is the value, and the agent's other
                # weights are the same Dirichlet draw scaled to fill the rest.
                v = float(np.median(column))
                parley("run", SCENARIO, "-n", RUNS, "-q", "--force", "-o", out, *RICH,
                       "--set", f"{key}={exact(v)}")
                _, got = read(out)
                np.testing.assert_array_equal(got[key], np.full_like(column, v), err_msg=key)
                group = key.rsplit(".", 1)[0] + "."
                for other in self.params:
                    if other.startswith(group) and other != key:
                        np.testing.assert_allclose(
                            got[other], self.values[other] * (1 - v) / (1 - column), rtol=1e-12,
                            err_msg=other)
                    elif other != key:
                        self.assertTrue(same(got[other], self.values[other]), (key, other))
                continue
            # Any other parameter: drawn from a narrow interval inside its range; the column
            # keeps to it, and every other column is the same draw as before (common streams).
            lo, hi = np.quantile(column, [0.4, 0.6])
            if not lo < hi:
                hi = lo + 1e-3
            parley("run", SCENARIO, "-n", RUNS, "-q", "--force", "-o", out, *RICH,
                   "--set", f"{key}={{uniform=[{exact(lo)},{exact(hi)}]}}")
            _, got = read(out)
            self.assertTrue(np.all((got[key] >= lo) & (got[key] <= hi)), key)
            self.assertFalse(same(got[key], column), key)
            for other in self.params:
                if other != key:
                    self.assertTrue(same(got[other], self.values[other]), (key, other))

    def test_vary_of_the_column_names_runs_as_set_of_them(self):
        # A Latin hypercube over every name (one weight per agent: fixing them all would have to
        # sum to 1), each in a narrow range inside its column's; each point's runs are those of
        # a run given the point's values by --set.
        keys, seen = [], set()
        for key in self.params:
            if ".weight." in key:
                agent = key.split(".")[1]
                if agent in seen:
                    continue
                seen.add(agent)
            keys.append(key)
        vary = []
        for key in keys:
            lo, hi = np.quantile(self.values[key], [0.45, 0.55])
            vary += ["--vary", f"{key}={exact(lo)}:{exact(max(hi, lo + 1e-6))}"]
        sweep = self.path("sweep.h5")
        parley("sweep", SCENARIO, "-n", "10", "-q", "-o", sweep, *RICH, "--design", "lhs",
               "--points", "2", *vary)
        with h5py.File(sweep, "r") as f:
            grid = {k: f["grid"][k][()] for k in keys}
            runs = {k: f["runs"][k][()] for k in OUTCOMES}
        for p in range(2):
            sets = [a for k in keys for a in ("--set", f"{k}={exact(grid[k][p])}")]
            out = self.path(f"point{p}.h5")
            parley("run", SCENARIO, "-n", "10", "-q", "--force", "-o", out, *RICH, *sets)
            _, got = read(out, OUTCOMES)
            for name in OUTCOMES:
                self.assertTrue(same(runs[name][10 * p:10 * (p + 1)], got[name]), (p, name))


if __name__ == "__main__":
    unittest.main()
