"""The Python module `parley` (src/python): the same files as the program, labelled datasets,
tidy tables that naive pandas code reads right, errors as exceptions, the GIL released,
progress and Ctrl-C. Run by ctest with PARLEY_BIN, PARLEY_SOURCE_DIR and PYTHONPATH (the build's
python/ folder) set."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

import h5py
import numpy as np
import pandas as pd
import xarray as xr

import parley  # first: the build's package (PYTHONPATH), before h5files puts src/python on the path
from h5files import datasets, differing  # noqa: E402
import progress_lines  # noqa: E402

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")


def cli(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def assert_same_datasets(test, a, b):
    """Every dataset of two files bit-identical (NaNs included), none in one only."""
    test.assertEqual(differing(datasets(a), datasets(b)), [])


class Run(unittest.TestCase):
    """parley.run against `parley run`, as in the issue: 20,000 runs of the default, seed 1."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cli_path = os.path.join(cls.tmp.name, "cli.h5")
        r = cli("run", SCENARIO, "-n", "20000", "--seed", "1", "--threads", "1", "-o",
                cls.cli_path, "-q")
        assert r.returncode == 0, r.stderr
        cls.ds = parley.run(SCENARIO, runs=20_000, seed=1, progress=False)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_dataset_is_the_programs_runs_group(self):
        with xr.open_dataset(self.cli_path, group="runs", engine="h5netcdf") as expected:
            xr.testing.assert_equal(self.ds, expected.load())
            for name, var in expected.variables.items():
                mine = self.ds[name].attrs
                self.assertEqual(sorted(mine), sorted(var.attrs), name)
                for key, value in var.attrs.items():
                    np.testing.assert_array_equal(mine[key], value, f"{name}: {key}")
        self.assertIsNone(self.ds.parley.path)  # the temporary file is gone
        self.assertEqual(self.ds.attrs["filetype"], "parley-runs")
        self.assertEqual(int(self.ds.attrs["seed"]), 1)

    def test_the_summary_comes_along(self):
        with h5py.File(self.cli_path, "r") as f:
            p = float(f["summary/p_agreement"][()])
            counts = f["summary/outcome_count"][()]
        self.assertEqual(self.ds.attrs["p_agreement"], p)
        np.testing.assert_array_equal(self.ds.parley.summary["outcome_count"].values, counts)

    def test_a_kept_file_equals_the_programs_for_any_thread_count(self):
        out = os.path.join(self.tmp.name, "module.h5")
        ds = parley.run(SCENARIO, runs=20_000, seed=1, threads=2, out=out, progress=False)
        self.assertEqual(ds.parley.path, out)
        assert_same_datasets(self, out, self.cli_path)

    def test_tidy_gives_per_outcome_means_over_deals_only(self):
        df = parley.tidy(self.ds)
        self.assertEqual(len(df), 20_000)
        with h5py.File(self.cli_path, "r") as f:
            outcome = f["runs/outcome"][()]
            rounds = f["runs/round"][()]
            meanings = f["runs/outcome"].attrs["flag_meanings"]
            agents = [a.decode() for a in f["runs/agent"][()]]
            blocker = f["runs/blocker"][()]
            deal = f["runs/deal"][()]
            issues = [i.decode() for i in f["runs/issue"][()]]
        names = (meanings.decode() if isinstance(meanings, bytes) else meanings).split()
        means = df.groupby("outcome", observed=False)["round"].mean()
        counts = df["outcome"].value_counts()
        for code, name in enumerate(names):
            mine = (outcome == code) & (rounds != -1)  # -1: no deal, by hand
            self.assertEqual(int(counts[name]), int(np.sum(outcome == code)), name)
            if mine.any():
                self.assertAlmostEqual(means[name], rounds[mine].mean(), places=12)
            else:
                self.assertTrue(np.isnan(means[name]), name)
        # The naive mean over the column is the mean over deals, not polluted by -1 markers.
        self.assertAlmostEqual(df["round"].mean(), rounds[rounds != -1].mean(), places=12)
        # Categories by name; the marker -1 is missing.
        expected = [agents[b] if b >= 0 else None for b in blocker]
        got = [None if isinstance(v, float) else v for v in df["blocker"].astype(object)]
        self.assertEqual(got, expected)
        # One column per issue, missing exactly where there was no deal.
        for j, issue in enumerate(issues):
            np.testing.assert_array_equal(df[f"deal.{issue}"].isna().values, np.isnan(deal[:, j]))
        self.assertIn("agents.russia.war_cost", df.attrs["parameters"])
        self.assertNotIn("outcome", df.attrs["parameters"])


class Sweep(unittest.TestCase):
    def test_set_takes_tables_and_nested_lists_as_the_program_does(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.h5"), os.path.join(tmp, "b.h5")
            r = cli("run", SCENARIO, "-n", "200", "--seed", "3", "-o", b, "-q",
                    "--set", "agents.russia.war_cost={uniform=[0.03,0.09]}",
                    "--set", 'protocol.agenda=[["guarantees"]]',
                    "--set", 'agents.ukraine.ratification={intercept=3.0,slope={territory=-6}}')
            self.assertEqual(r.returncode, 0, r.stderr)
            parley.run(SCENARIO, runs=200, seed=3, out=a, progress=False,
                       set={"agents.russia.war_cost": {"uniform": [0.03, 0.09]},
                            "protocol.agenda": [["guarantees"]],
                            "agents.ukraine.ratification": {"intercept": 3.0,
                                                            "slope": {"territory": np.int64(-6)}}})
            assert_same_datasets(self, a, b)
            with self.assertRaises(parley.ParleyError) as caught:
                parley.run(SCENARIO, runs=5, set={"protocol.agenda": [{"guarantees"}]}, progress=False)
            self.assertEqual(str(caught.exception), "set: protocol.agenda: a set is not a TOML value "
                             "(allowed: numbers, strings, booleans, and lists and dicts of them)")

    def test_a_sweep_equals_the_programs(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.h5"), os.path.join(tmp, "b.h5")
            r = cli("sweep", SCENARIO, "--vary", "agents.russia.war_cost=0.1,0.3", "-n", "300",
                    "--seed", "4", "-o", b, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            grid = parley.sweep(SCENARIO, {"agents.russia.war_cost": [0.1, 0.3]}, runs=300, seed=4,
                                out=a, progress=False)
            assert_same_datasets(self, a, b)
            self.assertEqual(grid.sizes["agents.russia.war_cost"], 2)
            runs = grid.parley.groups["runs"]
            self.assertEqual(runs.sizes["run"], 600)
            # tidy takes runs: on a sweep's grid it says which group it got and where the runs are.
            with self.assertRaises(parley.ParleyError) as caught:
                parley.tidy(parley.open(a))
            self.assertEqual(str(caught.exception),
                             f"tidy: the group 'grid' of {a} has no 'run' dimension (its runs: "
                             f"parley.tidy(parley.open({a!r}, group='runs')))")
            self.assertEqual(len(parley.tidy(parley.open(a, group="runs"))), 600)


    def test_a_sweep_over_words_and_agendas_equals_the_programs(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.h5"), os.path.join(tmp, "b.h5")
            r = cli("sweep", SCENARIO, "--vary", "protocol.kind=mediated,nash",
                    "--vary", 'protocol.agenda=[["guarantees"]],[["territory","ceasefire"]]',
                    "-n", "50", "--seed", "4", "-o", b, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            grid = parley.sweep(SCENARIO, {"protocol.kind": ["mediated", "nash"],
                                           "protocol.agenda": [[["guarantees"]],
                                                               [["territory", "ceasefire"]]]},
                                runs=50, seed=4, out=a, progress=False)
            assert_same_datasets(self, a, b)
            self.assertEqual(list(grid["protocol.kind"].values), ["mediated", "nash"])
            self.assertEqual(grid.p_agreement.sel({"protocol.kind": "nash"}).sizes,
                             {"protocol.agenda": 2})
            # tidy gives each run its point's levels (the first key varies slowest).
            runs = parley.tidy(grid.parley.groups["runs"])
            expected = [("mediated", '[["guarantees"]]'), ("mediated", '[["territory","ceasefire"]]'),
                        ("nash", '[["guarantees"]]'), ("nash", '[["territory","ceasefire"]]')]
            got = list(zip(runs["protocol.kind"].astype(str), runs["protocol.agenda"].astype(str)))
            self.assertEqual(got, [expected[p] for p in runs["point"]])


class Compare(unittest.TestCase):
    def test_compare_returns_the_programs_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b, table = (os.path.join(tmp, n) for n in ("a.h5", "b.h5", "t.csv"))
            parley.run(SCENARIO, runs=300, seed=3, out=a, progress=False)
            parley.run(SCENARIO, runs=300, seed=3, out=b, progress=False,
                       set={"protocol.kind": "alternating"})
            r = cli("compare", a, b, "-o", table, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            want = pd.read_csv(table)
            got = parley.compare(a, b)
            self.assertEqual(list(got.columns), list(want.columns))
            self.assertEqual(list(got["measure"]), list(want["measure"]))
            np.testing.assert_array_equal(got["difference"].to_numpy(),
                                          want["difference"].to_numpy())
            np.testing.assert_array_equal(got["standard_error"].to_numpy(),
                                          want["standard_error"].to_numpy())
            self.assertTrue(got["paired"].all())
            row = got.set_index("measure").loc["P(agreement)"]
            self.assertEqual(bool(row["beyond_noise"]),
                             abs(row["difference"]) > 1.96 * row["standard_error"])
            with self.assertRaises(parley.ParleyError):
                parley.compare(a)


class Errors(unittest.TestCase):
    def test_bad_input_raises_the_programs_message_and_leaves_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "x.h5")
            r = cli("run", SCENARIO, "-n", "10", "--set", "agents.russia.war_cost=-3", "-o", out)
            self.assertEqual(r.returncode, 2)
            with self.assertRaises(parley.ParleyError) as caught:
                parley.run(SCENARIO, runs=10, set={"agents.russia.war_cost": -3}, out=out,
                           progress=False)
            self.assertEqual(str(caught.exception), r.stderr.strip())
            self.assertIsInstance(caught.exception, ValueError)
            self.assertEqual(os.listdir(tmp), [])

    def test_string_values_are_quoted_for_the_user(self):
        ds = parley.run(SCENARIO, runs=5, set={"protocol.kind": "alternating"}, progress=False)
        self.assertIn("kind = 'alternating'", ds.attrs["scenario_toml"])

    def test_open_refuses_damaged_and_foreign_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            good = os.path.join(tmp, "good.h5")
            parley.run(SCENARIO, runs=50, out=good, progress=False)
            with open(good, "rb") as f:
                data = f.read()
            cut = os.path.join(tmp, "cut.h5")
            with open(cut, "wb") as f:
                f.write(data[: len(data) // 2])
            with self.assertRaises(parley.ParleyError) as caught:
                parley.open(cut)
            self.assertIn(cut, str(caught.exception))
            foreign = os.path.join(tmp, "foreign.h5")
            with h5py.File(foreign, "w") as f:
                f["x"] = np.arange(3)
            with self.assertRaises(parley.ParleyError):
                parley.open(foreign)

    def test_open_reads_every_file_type_at_its_main_group(self):
        with tempfile.TemporaryDirectory() as tmp:
            sob = os.path.join(tmp, "s.h5")
            r = cli("sobol", SCENARIO, "-n", "16", "-o", sob, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            ds = parley.open(sob)
            self.assertEqual(ds.parley.filetype, "parley-sobol")
            self.assertIn("first_order", ds)
            part = os.path.join(tmp, "p.h5")
            r = cli("run", SCENARIO, "-n", "40", "--shard", "1/2", "-o", part, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(parley.open(part).sizes["run"], 20)


class Hostile(unittest.TestCase):
    """What the Python API is given is as hostile as what the program is given: every mistake is
    a ParleyError naming the file, nothing is overwritten that Parley did not write unless told
    to, and nothing is run that could not be loaded."""

    def test_a_path_with_a_nul_character_is_refused_not_cut_short(self):
        for call in (lambda: parley.run(SCENARIO + "\0junk", runs=5, progress=False),
                     lambda: parley.open(SCENARIO + "\0junk"),
                     lambda: parley.call("validate", SCENARIO + "\0junk")):
            with self.assertRaises(parley.ParleyError) as caught:
                call()
            self.assertIn("NUL", str(caught.exception))

    def test_out_replaces_an_existing_file_only_with_force(self):
        with tempfile.TemporaryDirectory() as tmp:
            notes = os.path.join(tmp, "notes.txt")
            with open(notes, "w") as f:
                f.write("my notes\n")
            with self.assertRaises(parley.ParleyError) as caught:
                parley.run(SCENARIO, runs=5, out=notes, progress=False)
            self.assertIn(f"{notes}: file exists (use force=True to overwrite it)", str(caught.exception))
            with self.assertRaises(parley.ParleyError):
                parley.sweep(SCENARIO, {"agents.russia.war_cost": [0.1, 0.3]}, runs=5, out=notes,
                             progress=False)
            with open(notes) as f:
                self.assertEqual(f.read(), "my notes\n")
            ds = parley.run(SCENARIO, runs=5, out=notes, force=True, progress=False)
            self.assertEqual(ds.sizes["run"], 5)

    def test_out_is_never_an_input_even_with_force(self):
        with tempfile.TemporaryDirectory() as tmp:
            scenario = os.path.join(tmp, "s.toml")
            with open(SCENARIO, "rb") as f, open(scenario, "wb") as g:
                g.write(f.read())
            with self.assertRaises(parley.ParleyError) as caught:
                parley.run(scenario, runs=5, out=scenario, force=True, progress=False)
            self.assertIn("is the scenario being run", str(caught.exception))
            with open(SCENARIO, "rb") as f, open(scenario, "rb") as g:
                self.assertEqual(f.read(), g.read())

    def test_more_runs_than_can_be_loaded_are_refused_before_anything_runs(self):
        start = time.monotonic()
        with self.assertRaises(parley.ParleyError) as caught:
            parley.run(SCENARIO, runs=10 ** 12, progress=False)
        self.assertLess(time.monotonic() - start, 30.0)  # refused, not run (days of work)
        self.assertIn(f"1000000000000 runs: more than are loaded into memory (allowed: at most "
                      f"{parley.MOST_RUNS_IN_MEMORY}", str(caught.exception))
        with self.assertRaises(parley.ParleyError):
            parley.sweep(SCENARIO, {"agents.russia.war_cost": [0.1, 0.3]},
                         runs=parley.MOST_RUNS_IN_MEMORY // 2 + 1, progress=False)

    def test_files_h5py_or_xarray_cannot_read_raise_parley_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            good = os.path.join(tmp, "good.h5")
            parley.run(SCENARIO, runs=20, out=good, progress=False)
            # A text attribute that is not UTF-8.
            latin = os.path.join(tmp, "latin.h5")
            shutil.copy(good, latin)
            with h5py.File(latin, "r+") as f:
                tid = h5py.h5t.C_S1.copy()
                tid.set_size(4)
                tid.set_cset(h5py.h5t.CSET_UTF8)
                space = h5py.h5s.create(h5py.h5s.SCALAR)
                attr = h5py.h5a.create(f.id, b"note", tid, space)
                attr.write(np.array(b"\xff\xfe\xfd\xfc", dtype="S4"), mtype=tid)
            # A dataset Parley does not write, of a shape no dimension has.
            extra = os.path.join(tmp, "extra.h5")
            shutil.copy(good, extra)
            with h5py.File(extra, "r+") as f:
                f["runs"].create_dataset("stray", data=np.zeros((3, 7, 2)))
            for path in (latin, extra):
                with self.subTest(path=os.path.basename(path)):
                    with self.assertRaises(parley.ParleyError) as caught:
                        parley.open(path)
                    self.assertIn(path, str(caught.exception))
            for bad in (None, parley.tidy(parley.open(good))):
                with self.assertRaises(parley.ParleyError):
                    parley.tidy(bad)
            with self.assertRaises(parley.ParleyError) as caught:
                parley.sweep(SCENARIO, runs=5, design=good, progress=False)
            self.assertIn(good, str(caught.exception))


class Process(unittest.TestCase):
    """What a notebook relies on: other threads run, progress shows, Ctrl-C stops cleanly."""

    def test_the_gil_is_released_while_runs_are_computed(self):
        ticks = []
        stop = threading.Event()

        def tick():
            while not stop.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.002)

        t = threading.Thread(target=tick, daemon=True)
        t.start()
        try:
            start = time.monotonic()
            parley.run(SCENARIO, runs=8000, seed=2, threads=1, progress=False)
            end = time.monotonic()
        finally:
            stop.set()
            t.join()
        during = [x for x in ticks if start < x < end]
        # Holding the GIL, the ticking thread would stand still but for the 10 progress
        # checks a second; released, it ticks every few milliseconds throughout.
        self.assertGreater(len(during), 20 * (end - start), f"{len(during)} ticks in {end - start:.2f} s")

    def _child(self, body, env=None):
        code = textwrap.dedent(body)
        return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env={**os.environ, **(env or {})})

    def test_progress_is_shown_as_plain_lines_without_tqdm(self):
        p = self._child(f"""
            import sys
            sys.modules["tqdm"] = None  # as if tqdm were not installed
            import parley
            parley.run({SCENARIO!r}, runs=20000, seed=3, threads=1)
        """, env={"PARLEY_PROGRESS_SECONDS": "0.2"})
        out, err = p.communicate(timeout=300)
        self.assertEqual(p.returncode, 0, err)
        lines = [l for l in err.splitlines() if l.startswith("parley: ")]
        self.assertGreaterEqual(len(lines), 2, err)
        self.assertRegex(lines[-1], r"^parley: 20000/20000 runs \(100\.0%\), elapsed [0-9.]+ s")

    def test_progress_is_a_tqdm_bar_where_tqdm_is_installed(self):
        try:
            import tqdm  # noqa: F401
        except ImportError:
            self.skipTest("tqdm is not installed")
        p = self._child(f"""
            import parley
            parley.run({SCENARIO!r}, runs=3000, seed=3, threads=1)
        """)
        out, err = p.communicate(timeout=300)
        self.assertEqual(p.returncode, 0, err)
        self.assertRegex(err, r"parley: 100%\|.*\| 3\.00k/3\.00k")

    def _interrupted(self, extra):
        """Ctrl-C into parley.run(..., **extra) in a fresh interpreter, once its progress lines
        report finished runs: its stdout."""
        p = self._child(f"""
            import sys
            sys.modules["tqdm"] = None  # plain progress lines, which say how far it got
            import parley
            try:
                parley.run({SCENARIO!r}, runs=2_000_000, threads=1, {extra})
            except KeyboardInterrupt as e:
                print("KeyboardInterrupt:", e, flush=True)
                sys.exit(0)
            sys.exit(3)
        """, env={"PARLEY_PROGRESS_SECONDS": "0.05"})
        going, seen = progress_lines.wait_for_progress(p.stderr)
        self.assertTrue(going, "".join(seen))
        p.send_signal(signal.SIGINT)
        out_text, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 0, out_text + err)
        return out_text

    def test_ctrl_c_stops_the_run_and_keeps_what_was_finished(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "big.h5")
            out_text = self._interrupted(f"out={out!r}")
            self.assertIn("KeyboardInterrupt: parley run: interrupted", out_text)
            self.assertIn(out + ".partial", out_text)
            self.assertFalse(os.path.exists(out))
            # The kept runs finish with the program, as after Ctrl-C in a terminal.
            r = cli("info", out + ".partial", "--no-scenario")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("INCOMPLETE", r.stdout)

    def test_ctrl_c_without_out_says_that_nothing_is_kept(self):
        self.assertIn("KeyboardInterrupt: parley run: interrupted; nothing is kept without out=",
                      self._interrupted(""))

if __name__ == "__main__":
    unittest.main()
