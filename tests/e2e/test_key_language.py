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


class Levels(unittest.TestCase):
    """Sweeps over words, arrays and tables: each point runs as a run given its value by --set."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def assert_points_are_runs(self, sweep, points, runs=20):
        with h5py.File(sweep, "r") as f:
            got = {k: f["runs"][k][()] for k in OUTCOMES}
        for p, sets in enumerate(points):
            out = self.path(f"separate{p}.h5")
            parley("run", SCENARIO, "-n", str(runs), "-q", "--force", "-o", out,
                   *[a for s in sets for a in ("--set", s)])
            _, want = read(out, OUTCOMES)
            for name in OUTCOMES:
                self.assertTrue(same(got[name][runs * p:runs * (p + 1)], want[name]), (p, name))

    def test_a_sweep_of_words_and_of_agendas_runs_as_the_separate_runs(self):
        sweep = self.path("levels.h5")
        agendas = ['[["guarantees"]]', '[["territory","ceasefire"],["guarantees"]]']
        r = parley("sweep", SCENARIO, "-n", "20", "-o", sweep, "--vary",
                   "protocol.kind=mediated,nash", "--vary",
                   "protocol.agenda=" + ",".join(agendas))
        # The table names each level as given.
        self.assertIn("nash", r.stdout)
        self.assertIn(agendas[1], r.stdout)
        self.assert_points_are_runs(sweep, [[f"protocol.kind={k}", f"protocol.agenda={a}"]
                                            for k in ("mediated", "nash") for a in agendas])
        with h5py.File(sweep, "r") as f:
            kinds = [v.decode() if isinstance(v, bytes) else v for v in f["grid/protocol.kind"][()]]
            self.assertEqual(kinds, ["mediated", "nash"])
            self.assertEqual(f["grid/p_agreement"].shape, (2, 2))
            self.assertNotIn("protocol.kind", f["runs"])  # its level is the point's, in grid/

    def test_a_design_file_of_levels_runs_as_the_separate_runs(self):
        design = self.path("design.csv")
        with open(design, "w") as f:
            f.write('protocol.kind,protocol.agenda,agents.russia.discount\n'
                    'nash,"[[""guarantees""]]",0.9\n'
                    'mediated,"[[""territory"",""ceasefire""]]",0.95\n')
        sweep = self.path("design.h5")
        parley("sweep", SCENARIO, "-n", "20", "-q", "-o", sweep, "--design", design)
        self.assert_points_are_runs(sweep, [
            ["protocol.kind=nash", 'protocol.agenda=[["guarantees"]]',
             "agents.russia.discount=0.9"],
            ["protocol.kind=mediated", 'protocol.agenda=[["territory","ceasefire"]]',
             "agents.russia.discount=0.95"]])

    def test_shards_of_a_sweep_of_levels_merge_into_the_whole(self):
        whole, parts = self.path("whole.h5"), [self.path("s1.h5"), self.path("s2.h5")]
        vary = ["--vary", "protocol.kind=mediated,alternating,nash"]
        parley("sweep", SCENARIO, "-n", "10", "-q", "-o", whole, *vary)
        for k, part in enumerate(parts):
            parley("sweep", SCENARIO, "-n", "10", "-q", "-o", part, "--shard", f"{k + 1}/2", *vary)
        merged = self.path("merged.h5")
        parley("merge", *parts, "-o", merged, "-q")
        with h5py.File(whole, "r") as a, h5py.File(merged, "r") as b:
            for name in ("grid/p_agreement", "grid/protocol.kind", "runs/agreement", "runs/deal"):
                self.assertTrue(same(a[name][()], b[name][()]), name)

    def test_damaged_levels_are_refused(self):
        from h5files import reseal
        sweep = self.path("damaged.h5")
        parley("sweep", SCENARIO, "-n", "5", "-q", "-o", sweep, "--vary",
               "protocol.kind=mediated,alternating")
        for bad, says in (("0\tmediated\n", "holds 1 for protocol.kind (allowed: the index of one "
                           "of its 1 levels)"),
                          ("1\tmediated\n0\talternating\n", 'has a line "1\tmediated" (allowed: '
                           "the index of a varied key, from 0 to 0, a tab, and a value)")):
            copy = self.path("copy.h5")
            with open(sweep, "rb") as src, open(copy, "wb") as dst:
                dst.write(src.read())
            with h5py.File(copy, "r+") as f:
                f.attrs["sweep_levels"] = bad
                reseal(f)
            r = subprocess.run([BIN, "info", copy], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(says, r.stderr)

    def test_a_level_that_is_no_value_of_the_key_is_refused_at_its_place(self):
        r = subprocess.run([BIN, "sweep", SCENARIO, "-n", "5", "-o", self.path("x.h5"), "--vary",
                            "protocol.kind=mediated,altrenating"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith("--vary:1:15: protocol.kind: unknown value "
                                            '"altrenating"'), r.stderr)
        self.assertFalse(os.path.exists(self.path("x.h5")))


class NoCascade(unittest.TestCase):
    """One error per bad key, at the place it came from (the four inputs that once cascaded)."""

    def test_each_bad_input_gives_one_located_error(self):
        cases = [
            (["validate", SCENARIO, "--set", "agents.russia.war_cost=1.5"],
             "--set:1:24: agents.russia.war_cost: 1.5 is out of range"),
            (["validate", SCENARIO, "--set", "agents.russia.discount=0.9", "--set",
              "agents.russia.war_cost=high"],
             "--set:2:24: agents.russia.war_cost: expected a number or a distribution, got a "
             "string"),
            (["validate", SCENARIO, "--set", "agents.russia.red_lines.territory=[0.7, 0.3]"],
             "--set:1:35: agents.russia.red_lines.territory: [0.7, 0.3] is empty"),
            (["validate", SCENARIO, "--set", "agents.russia.war_cost={unifor=[0.1,0.05]}"],
             "--set:1:25: agents.russia.war_cost.unifor: unknown distribution"),
            (["sweep", SCENARIO, "-n", "5", "--vary", "agents.russia.war_kost=0.1,0.2"],
             "--vary:1:15: agents.russia.war_kost: unknown key"),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            for args, first in cases:
                r = subprocess.run([BIN, *args, *(["-o", os.path.join(tmp, "x.h5")]
                                                  if args[0] == "sweep" else [])],
                                   capture_output=True, text=True, cwd=tmp)
                self.assertEqual(r.returncode, 2, args)
                lines = r.stderr.splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith(first), (lines[0], first))
                self.assertEqual(os.listdir(tmp), [])


def leaves(node, path=()):
    """Every value of a parsed TOML document with its dotted path (array elements by index)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, path + (str(i),))
    else:
        yield ".".join(path), node


def nudged(v):
    """Values near `v` of its type, to try in turn (the first a scenario accepts is used)."""
    if isinstance(v, bool):
        return ["false" if v else "true"]
    if isinstance(v, int):
        return [str(v + 1), str(v - 1)]
    if isinstance(v, float):
        return [repr(v * 0.9), repr(v * 1.1), repr(v + 0.01), repr(v - 0.01)] if v else \
            ["0.01", "0.001", "-0.01"]
    return []


class Validate(unittest.TestCase):
    """validate shows what was understood: every key the loader read (--keys, with where it came
    from), and a changed value of any key changes its description."""

    # Every shipped scenario; under the sanitizers' ten times slower program (PARLEY_E2E_SCALE
    # below 1) the default one, whose keys cover every kind of table.
    SCENARIOS = sorted(os.path.join(SRC, "scenarios", f)
                       for f in os.listdir(os.path.join(SRC, "scenarios")) if f.endswith(".toml"))
    if float(os.environ.get("PARLEY_E2E_SCALE", "1")) < 1:
        SCENARIOS = [SCENARIO]

    def keys(self, scenario, *sets):
        args = [a for s in sets for a in ("--set", s)]
        out = parley("validate", scenario, "--keys", *args).stdout.splitlines()
        listed = {}
        for line in out[:-3]:
            where, _, assignment = line.partition("  ")
            key, _, value = assignment.strip().partition(" = ")
            listed[key] = (where.strip(), value)
        return listed

    def test_every_value_in_a_scenario_is_among_the_keys_read_at_its_line(self):
        import tomllib
        for scenario in self.SCENARIOS:
            with open(scenario, "rb") as f:
                doc = tomllib.load(f)
            with open(scenario) as f:
                lines = f.read().splitlines()
            listed = self.keys(scenario)
            for path, _ in leaves(doc):
                # The key itself, or the array or inline table that holds it.
                parts = path.split(".")
                holder = next((".".join(parts[:n]) for n in range(len(parts), 0, -1)
                               if ".".join(parts[:n]) in listed), None)
                self.assertIsNotNone(holder, (scenario, path))
                where, _ = listed[holder]
                file, line, column = where.rsplit(":", 2)
                self.assertEqual(file, scenario)
                # The line holds the key's last part (a key = value) or, for an element of an
                # array of tables, the value.
                text = lines[int(line) - 1]
                self.assertTrue(holder.split(".")[-1] in text or "=" not in text[:int(column)],
                                (scenario, holder, text))

    def test_a_set_is_listed_with_its_number_and_column(self):
        listed = self.keys(SCENARIO, "agents.russia.concession_beta=2",
                           "agents.russia.war_cost={uniform=[0.03,0.1]}")
        self.assertEqual(listed["agents.russia.concession_beta"], ("--set:1:31", "2"))
        self.assertEqual(listed["agents.russia.war_cost"],
                         ("--set:2:24", "{ uniform = [0.03, 0.1] }"))

    def test_changing_any_value_by_set_changes_what_validate_prints(self):
        import tomllib
        for scenario in self.SCENARIOS:
            with open(scenario, "rb") as f:
                doc = tomllib.load(f)
            base = parley("validate", scenario).stdout
            tried, silent = 0, []
            for key, value in leaves(doc):
                if key.split(".")[0] in ("run", "sweep"):
                    continue  # the runs and seed a command defaults to, not the model
                for candidate in nudged(value):
                    r = subprocess.run([BIN, "validate", scenario, "--set", f"{key}={candidate}"],
                                       capture_output=True, text=True)
                    if r.returncode == 0:
                        tried += 1
                        if r.stdout == base:
                            silent.append(f"{key}={candidate}")
                        break
            self.assertEqual(silent, [], scenario)
            self.assertGreater(tried, 10, scenario)


if __name__ == "__main__":
    unittest.main()
