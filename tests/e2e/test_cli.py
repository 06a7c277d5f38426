"""End-to-end tests of the `parley` program: real runs, real HDF5 files, read back
with h5py and xarray. Run by ctest with PARLEY_BIN and PARLEY_SOURCE_DIR set."""
import glob
import importlib.util
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

import h5py
import numpy as np

from h5files import FileError, datasets, decode_flags, differing, group, header, open_file, reseal

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")
PLOT = os.path.join(SRC, "scripts", "plot_outcomes.py")


# The default scenario's territorial terms are not typed in; these overrides draw private
# territorial red lines and limits for Moscow and Kyiv (as an earlier version of the scenario did),
# for the tests of what red lines, their concession and the mediator's beliefs about them do.
DRAWN_RED_LINES = ["--set", "agents.russia.red_lines.territory=[{uniform=[0.45,0.65]},1.0]",
                   "--set", "agents.russia.red_line_limits.territory=[{uniform=[0.5,0.6]},1.0]",
                   "--set", "agents.ukraine.red_lines.territory=[0.0,{uniform=[0.4,0.55]}]",
                   "--set", "agents.ukraine.red_line_limits.territory=[0.0,{uniform=[0.5,0.6]}]"]


def parley(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)




class BenchScenarios(unittest.TestCase):
    """The scenarios scripts/bench makes (the default without its moving parts, for the numpy
    reference; the synthetic ones of --scaling) load: a bench the model has outgrown is found
    here, not when someone measures."""

    def test_every_scenario_the_bench_makes_is_valid(self):
        sys.path.insert(0, os.path.join(SRC, "scripts"))
        import bench
        with tempfile.TemporaryDirectory() as tmp:
            made = {"static": bench.static_variant(SCENARIO, tmp)}
            texts = {"synthetic": bench.synthetic(5, 3, 6)}
            for kind in bench.METHODS:
                if kind != "solve":
                    texts[kind] = bench.synthetic_zone(5, 3, kind)
            for name, text in texts.items():
                made[name] = os.path.join(tmp, name + ".toml")
                with open(made[name], "w", encoding="utf-8") as f:
                    f.write(text)
            for name, path in made.items():
                r = subprocess.run([BIN, "validate", path], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, f"{name}: {r.stderr}")

    def test_the_performance_page_takes_every_figure_of_a_run(self):
        # docs/performance.md's generated part, from a run's results (as in results/bench.json):
        # each measured number appears, formatted, and the page has the markers it goes between.
        sys.path.insert(0, os.path.join(SRC, "scripts"))
        import bench
        variants = {"runs": 400, "variants": {"a": {"microseconds_per_run": 1234.5, "ratio_to_first": 1.0},
                                              "b": {"microseconds_per_run": 4321.0, "ratio_to_first": 3.5}}}
        results = {
            "cores": 2, "quick": True,
            "rate": {"runs": 20000, "threads_1": 3901.2, "threads_2": 7280.4, "efficiency": 0.93, "write_share": 0.054},
            "memory": {"10000": {"peak_rss_mb": 39.06, "wall_s": 1.47}, "100000": {"peak_rss_mb": 60.23, "wall_s": 13.41}},
            "reference": {"runs": 10000, "numpy_runs_per_second": 5953.1, "parley_runs_per_second_1_thread": 7355.9,
                          "speed_ratio_per_core": 1.24, "agreement": {"p": {"standard_errors": 1.44}}},
            "calibration": {"particles": 1000, "threads": 2, "generations": 3, "simulations": 7333, "wall_s": 1.28,
                            "simulations_per_second": 5726.7, "ratio_to_run": 0.59},
            "sobol": {"samples": 300, "factors": 34, "threads": 2, "negotiations": 10800, "wall_s": 2.5,
                      "negotiations_per_second": 4320.0},
            "mpi": {"sobol": {"seconds_1_rank": 6.1, "seconds_2_ranks": 3.71, "efficiency_2_ranks": 0.82}},
            "micro_ns": {"BM_WholeRun": 200393.4},
            "veto": variants, "protocols": variants, "information": variants, "alternating_information": variants,
        }
        block = bench.performance_block(results, "7 December 2026", "a machine")
        for figure in ("3,901 / 7,280", "0.93", "5.4%", "39.1 / 60.2 MB", "13.4 s", "7,356 runs/s", "5,953 runs/s",
                       "1.2×", "1.4 standard errors", "7,333 simulations in 1.28 s", "10,800 negotiations in 2.50 s",
                       "efficiency 0.82", "WholeRun 200,393 ns", "| b | 4,321 | 3.50 |", "7 December 2026, on a machine"):
            self.assertIn(figure, block)
        self.assertNotIn("None", block)
        from measurements import generated_block
        page, a, b = generated_block(os.path.join(SRC, "docs", "performance.md"), "bench")
        self.assertLess(a, b)
        self.assertIn("The last run of `scripts/bench", page[a:b])


class RunFile(unittest.TestCase):
    """One small run of the default scenario, checked for layout and consistency."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "small.h5")
        r = parley("run", SCENARIO, "-n", "400", "--seed", "11", "--threads", "2", "-o", cls.path, "-q",
                   *DRAWN_RED_LINES)
        assert r.returncode == 0, r.stderr
        cls.f = open_file(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.f.close()
        cls.tmp.cleanup()

    def test_root_attributes(self):
        a = self.f.attrs
        self.assertEqual(text(a["filetype"]), "parley-runs")
        self.assertEqual(text(a["format_version"]), "1.6")
        self.assertRegex(text(a["parley_version"]), r"^\d+\.\d+\.\d+$")
        self.assertRegex(text(a["created_utc"]), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn(" run ", text(a["command_line"]))
        # With overrides, the scenario as they made it, saying so.
        self.assertTrue(text(a["scenario_toml"]).startswith(
            f"# {SCENARIO} with --set {DRAWN_RED_LINES[1]}"))
        self.assertEqual(int(a["seed"]), 11)
        self.assertEqual(int(a["runs"]), 400)
        self.assertEqual(text(a["protocol"]), "mediated")
        self.assertEqual(int(a["complete"]), 1)

    def test_layout_types_and_dimension_scales(self):
        runs = self.f["runs"]
        expect = {"agreement": ("i1", (400,)), "outcome": ("i1", (400,)), "round": ("i4", (400,)),
                  "blocker": ("i4", (400,)), "obstacle": ("i4", (400,)), "deal": ("f8", (400, 6)),
                  "final_text": ("f8", (400, 6)), "utility": ("f8", (400, 4)), "batna": ("f8", (400, 4))}
        for name, (dtype, shape) in expect.items():
            d = runs[name]
            self.assertEqual(d.dtype.str[1:], dtype, name)
            self.assertEqual(d.shape, shape, name)
            self.assertEqual(d.dims[0][0].name, "/runs/run", name)
            self.assertIn("long_name", d.attrs, name)
            self.assertLessEqual(np.prod(d.chunks) * d.dtype.itemsize, 1 << 20, name)
        self.assertEqual(runs["deal"].dims[1][0].name, "/runs/issue")
        self.assertEqual(runs["utility"].dims[1][0].name, "/runs/agent")
        self.assertEqual([text(s) for s in runs["agent"][()]], ["us", "russia", "ukraine", "europe"])
        self.assertEqual([text(s) for s in runs["issue"][()]],
                         ["territory", "nato_delay", "guarantees", "sanctions", "assets", "ceasefire"])
        self.assertEqual(list(runs["run"][()]), list(range(400)))
        self.assertEqual(list(runs["outcome"].attrs["flag_values"]), [0, 1, 2, 3, 4, 5, 6, 7])
        self.assertEqual(text(runs["outcome"].attrs["flag_meanings"]),
                         "agreement walk-out deadline partial collapse censored refused abandoned")
        # The reader module decodes the flags, from h5py and from xarray alike.
        names = decode_flags(runs["outcome"])
        self.assertTrue(np.array_equal(names == "agreement", runs["agreement"][()] == 1))
        self.assertEqual(set(names) - {"agreement", "walk-out", "deadline", "partial", "collapse", "censored",
                                         "refused", "abandoned"},
                         set())
        self.assertTrue(np.array_equal(decode_flags(group(self.path, "runs").outcome), names))
        # "utility" is no UDUNITS unit: it is a units_note, and no `units` a CF tool would misread.
        self.assertEqual(text(runs["agents.russia.war_cost"].attrs["units_note"]), "utility")
        self.assertNotIn("units", runs["agents.russia.war_cost"].attrs)
        for name, d in runs.items():
            self.assertNotEqual(d.dtype.kind, "V", f"{name}: compound type")
            self.assertNotEqual(d.dtype.kind, "b", f"{name}: bool type")

    def test_rows_are_consistent_runs(self):
        r = self.f["runs"]
        agreement, outcome, rnd = r["agreement"][()], r["outcome"][()], r["round"][()]
        deal, final, blocker, obstacle = r["deal"][()], r["final_text"][()], r["blocker"][()], r["obstacle"][()]
        utility, batna = r["utility"][()], r["batna"][()]
        agreed = agreement == 1
        np.testing.assert_array_equal(agreed, outcome == 0)
        self.assertTrue(np.all(rnd[~agreed] == -1))
        self.assertTrue(np.all((rnd[agreed] >= 1) & (rnd[agreed] <= 24)))
        # The round the talks ended in (a deal's round), or were cut off at the horizon (24).
        last = r["last_round"][()]
        np.testing.assert_array_equal(last[agreed], rnd[agreed])
        self.assertTrue(np.all((last >= 1) & (last <= 24)))
        self.assertTrue(np.all(last[outcome == 5] == 24))  # censored: cut off at the horizon
        self.assertTrue(np.all(np.isnan(deal[~agreed])))
        np.testing.assert_array_equal(deal[agreed], final[agreed])
        self.assertTrue(np.all(blocker[agreed] == -1) and np.all(obstacle[agreed] == -1))
        # Only veto players (russia = 1, ukraine = 2) block, and Europe (3) when the last text moves
        # the assets or sanctions it holds (its issue veto); every failed run names one.
        self.assertTrue(set(np.unique(blocker[~agreed])) <= {1, 2, 3})
        moves = (final[:, 3] != 0.0) | (final[:, 4] != 0.0)
        self.assertTrue(np.all(moves[blocker == 3]))
        self.assertTrue(np.all((obstacle[~agreed] >= 0) & (obstacle[~agreed] < 6)))
        # A deal is accepted by every veto player: utility at least its BATNA.
        for i in (1, 2):
            self.assertTrue(np.all(utility[agreed, i] >= batna[agreed, i]))
        # Deal terms lie in the issues' natural ranges.
        hi = np.array([1.0, 30.0, 1.0, 100.0, 300.0, 1.0])
        self.assertTrue(np.all((final >= 0) & (final <= hi)))
        cost = r["agents.russia.war_cost"][()]
        self.assertTrue(np.all((cost >= 0.03) & (cost <= 0.09)))
        self.assertGreater(np.std(cost), 0.01)

    def test_diagnostics_agree_with_the_runs(self):
        r = self.f["runs"]
        agreed = r["agreement"][()] == 1
        utility, batna = r["utility"][()], r["batna"][()]
        gap, dist = r["pareto_gap"][()], r["nash_distance"][()]
        zone_first, zone_last = r["zone_first"][()], r["zone_last"][()]
        self.assertTrue(np.all(np.isnan(gap[~agreed])) and np.all(np.isnan(dist[~agreed])))
        self.assertTrue(np.all(gap[agreed] >= 0))
        self.assertTrue(np.all((dist[agreed] >= 0) & (dist[agreed] <= 1)))
        # The deal is one text the zone ranges over: the zone (over the deciders russia, ukraine
        # and europe, whose issue veto the diagnostics count as a veto) is at least its worst slack.
        slack = np.min(utility[:, 1:4] - batna[:, 1:4], axis=1)
        self.assertTrue(np.all(zone_last[agreed] >= slack[agreed] - 1e-9))
        # At the first round, -inf exactly where the sampled territory red lines of Russia and
        # Ukraine exclude each other; they concede, and at the last round the zone is -inf only
        # where they did not concede far enough, which no deal can follow.
        lo = r["agents.russia.red_lines.territory.lo"][()]
        hi = r["agents.ukraine.red_lines.territory.hi"][()]
        np.testing.assert_array_equal(np.isneginf(zone_first), lo > hi)
        self.assertTrue(np.any(agreed & (lo > hi)))
        self.assertFalse(np.any(agreed & np.isneginf(zone_last)))
        # Nor where even the limits exclude each other (an end set beyond its limit stays).
        lo_limit = np.minimum(lo, r["agents.russia.red_line_limits.territory.lo"][()])
        hi_limit = np.maximum(hi, r["agents.ukraine.red_line_limits.territory.hi"][()])
        self.assertTrue(np.all(np.isneginf(zone_last[lo_limit > hi_limit])))
        self.assertFalse(np.any(agreed & (lo_limit > hi_limit)))

    def test_summary_matches_the_runs(self):
        r, s = self.f["runs"], self.f["summary"]
        agreement = r["agreement"][()]
        n, k = agreement.size, int(agreement.sum())
        self.assertEqual(float(s["p_agreement"][()]), k / n)
        z = 1.959963984540054
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        self.assertAlmostEqual(float(s["p_agreement_low"][()]), centre - half, places=12)
        self.assertAlmostEqual(float(s["p_agreement_high"][()]), centre + half, places=12)
        counts = np.bincount(r["outcome"][()], minlength=8)
        np.testing.assert_array_equal(s["outcome_count"][()], counts)
        np.testing.assert_allclose(s["mean_utility"][()], r["utility"][()].mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(s["blocker_share"][()], np.bincount(r["blocker"][()][agreement == 0], minlength=4) / n)
        agreed = agreement == 1
        rounds = r["round"][()][agreed]
        np.testing.assert_array_equal(s["rounds"][()], np.quantile(rounds, [0.25, 0.5, 0.75], method="inverted_cdf"))
        deal = r["deal"][()][agreed]
        q = s["quantile"][()]
        width = np.array([1.0, 30.0, 1.0, 100.0, 300.0, 1.0]) / 65536
        expected = np.quantile(deal, q, method="inverted_cdf", axis=0).T
        self.assertTrue(np.all(np.abs(s["deal_quantiles"][()] - expected) <= width[:, None]))
        self.assertGreater(self.f["summary"].attrs["runs_per_second"], 0)

    def test_spearman_sensitivities_match_pandas(self):
        import pandas as pd
        s = self.f["summary"]
        keys = [text(k) for k in s["parameter"][()]]
        self.assertEqual([text(t) for t in s["target"][()]][:2], ["agreement", "territory"])
        runs = self.f["runs"]
        frame = pd.DataFrame({k: runs[k][()] for k in keys})
        frame["agreement"] = runs["agreement"][()]
        expected = frame.corr(method="spearman")["agreement"]
        rho = s["spearman"][()]
        for j, key in enumerate(keys):
            if np.isnan(expected[key]):
                continue
            self.assertAlmostEqual(rho[j, 0], expected[key], places=4, msg=key)
        # Deal terms: over the deals only.
        agreed = runs["agreement"][()] == 1
        deals = pd.DataFrame({"x": runs[keys[0]][()][agreed], "t": runs["deal"][()][agreed, 0]})
        self.assertAlmostEqual(rho[0, 1], deals.corr(method="spearman").loc["x", "t"], places=4)

    def test_xarray_gives_labelled_dimensions(self):
        ds = group(self.path, "runs")
        self.assertEqual(ds["deal"].dims, ("run", "issue"))
        self.assertEqual(ds["utility"].dims, ("run", "agent"))
        self.assertEqual(list(ds["agent"].values), ["us", "russia", "ukraine", "europe"])
        territory = ds["deal"].sel(issue="territory")
        self.assertEqual(territory.shape, (400,))
        np.testing.assert_array_equal(ds["utility"].sel(agent="ukraine").values, self.f["runs/utility"][:, 2])
        summary = group(self.path, "summary")
        self.assertEqual(summary["deal_quantiles"].dims, ("issue", "quantile"))
        self.assertEqual(list(summary["outcome"].values),
                         ["agreement", "walk-out", "deadline", "partial", "collapse", "censored", "refused",
                          "abandoned"])
        ds.close()
        summary.close()

    def test_info_refuses_a_summary_of_the_wrong_size(self):
        # A truncated or widened summary vector is refused, naming the file and the dataset.
        import shutil
        with tempfile.TemporaryDirectory() as tmp:
            for name, data, message in [
                    ("deal_quantiles", np.zeros((6, 2)), "summary/deal_quantiles: 12 values (allowed: 30)"),
                    ("obstacle_share", np.zeros(2), "summary/obstacle_share: 2 values (allowed: 6)"),
                    ("mean_utility", np.zeros(9), "summary/mean_utility: 9 values (allowed: 4)")]:
                with self.subTest(dataset=name):
                    damaged = os.path.join(tmp, "damaged.h5")
                    shutil.copy(self.path, damaged)
                    with h5py.File(damaged, "r+") as f:
                        del f["summary/" + name]
                        f["summary/" + name] = data
                    r = parley("info", damaged)
                    self.assertEqual(r.returncode, 2, r.stdout)
                    self.assertIn(damaged + ": " + message, r.stderr)
                    self.assertEqual(r.stdout, "")

    def test_info_describes_the_file_without_python(self):
        r = parley("info", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        p = float(self.f["summary/p_agreement"][()])
        self.assertIn(f"P(agreement) {p:.4f}", r.stdout)
        self.assertIn("scenario miami-2025, protocol mediated, seed 11, 400 runs", r.stdout)
        counts = [int(c) for c in self.f["summary/outcome_count"][()]]
        self.assertIn(f"outcomes     agreement {counts[0]}, walk-out {counts[1]}, deadline {counts[2]}, "
                      f"partial deal {counts[3]}, collapse {counts[4]}, censored (still talking at the "
                      f"horizon) {counts[5]}", r.stdout)
        self.assertRegex(r.stdout, r"runs/deal +float64 +\[400, 6\]")
        self.assertIn(text(self.f.attrs["scenario_toml"]).strip(), r.stdout)
        # The obstacles, first and second, with the two most frequent principal ones named, and the
        # shocks with the share of runs each fired in, from the stored summary.
        issues = [text(x) for x in self.f["runs/issue"][()]]
        first, second = self.f["summary/obstacle_share"][()], self.f["summary/obstacle_second_share"][()]
        obstacle = self.f["runs/obstacle"][()]
        np.testing.assert_allclose(first, [np.mean(obstacle == k) for k in range(len(issues))])
        for k, issue in enumerate(issues):
            self.assertRegex(r.stdout, rf"{issue} +{100 * first[k]:.1f}% +{100 * second[k]:.1f}%")
        top = np.argsort(-first, kind="stable")[0]
        self.assertIn(f"most often the principal obstacle: {issues[top]} ({100 * first[top]:.1f}%)", r.stdout)
        if "runs/shock_round" in self.f:
            fired = np.mean(self.f["runs/shock_round"][()] >= 0, axis=0)
            for label, share in zip((text(x) for x in self.f["runs/shock"][()]), fired):
                self.assertIn(f"{100 * share:5.1f}%  {label}", r.stdout)
        else:  # a scenario without shocks: no table of them
            self.assertNotIn("Shocks", r.stdout)
        with tempfile.TemporaryDirectory() as tmp:
            other = os.path.join(tmp, "other.h5")
            with h5py.File(other, "w") as f:
                f.attrs["filetype"] = "something-else"
            r = parley("info", other)
            self.assertEqual(r.returncode, 2)
            with self.assertRaisesRegex(FileError, 'filetype "something-else"'):
                open_file(other)
            self.assertIn('not a Parley file (filetype "something-else"; allowed: "parley-runs", "parley-sweep")', r.stderr)
            r = parley("info", SCENARIO)
            self.assertEqual(r.returncode, 2)
            self.assertIn("not an HDF5 file", r.stderr)

    def test_plot_script_draws_a_png(self):
        # A runs file; one with the rounds of its first runs; a sweep of a number and a word.
        traced = os.path.join(self.tmp.name, "traced.h5")
        sweep = os.path.join(self.tmp.name, "plotted-sweep.h5")
        self.assertEqual(parley("run", SCENARIO, "-n", "60", "--trace", "4", "-q", "-o",
                                traced).returncode, 0)
        self.assertEqual(parley("sweep", SCENARIO, "-n", "30", "-q", "-o", sweep, "--vary",
                                "agents.russia.war_cost=0.03,0.09", "--vary",
                                "protocol.kind=mediated,alternating").returncode, 0)
        sizes = []
        for source in (self.path, traced, sweep):
            png = source[:-3] + ".png"
            r = subprocess.run([sys.executable, PLOT, source, "-o", png], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            sizes.append(os.path.getsize(png))
        self.assertGreater(sizes[0], 20000)
        self.assertGreater(sizes[1], sizes[0])  # the traced rounds are drawn too
        self.assertGreater(sizes[2], 10000)


class Reproducibility(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def run_to(self, name, *args, runs=700):
        path = os.path.join(self.tmp.name, name)
        r = parley("run", SCENARIO, "-n", str(runs), "-o", path, "-q", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return path

    def assert_same_datasets(self, a, b):
        da, db = datasets(a), datasets(b)
        self.assertEqual(sorted(da), sorted(db))
        for name in da:
            x, y = np.asarray(da[name]), np.asarray(db[name])
            self.assertEqual(x.dtype, y.dtype, name)
            if x.dtype.kind == "O":  # strings
                self.assertEqual(x.tolist(), y.tolist(), name)
            else:
                self.assertEqual(x.tobytes(), y.tobytes(), name)

    def test_thread_count_does_not_change_any_dataset(self):
        self.assert_same_datasets(self.run_to("t1.h5", "--threads", "1"), self.run_to("t2.h5", "--threads", "2"))

    def test_alternating_offers_with_beliefs_do_not_depend_on_threads_or_shards(self):
        # The proposers' beliefs draw their particles from the per-run stream; two shards
        # merged are the whole run.
        alternating = ("--set", 'protocol.kind="alternating"')
        alternating = (*alternating, *DRAWN_RED_LINES)
        one = self.run_to("a1.h5", "--threads", "1", *alternating, runs=48)
        self.assert_same_datasets(one, self.run_to("a2.h5", "--threads", "2", *alternating, runs=48))
        shards = [self.run_to(f"s{k}.h5", "--shard", f"{k}/2", *alternating, runs=48) for k in (1, 2)]
        merged = os.path.join(self.tmp.name, "merged.h5")
        r = parley("merge", merged, *shards, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_same_datasets(one, merged)
        with open_file(one) as f:
            self.assertTrue(np.isfinite(f["runs/belief_width"][:]).all())

    def test_interim_ceasefires_do_not_depend_on_threads_or_shards(self):
        # A ceasefire agreed in the first stage changes the war mid-run (and each thread keeps a
        # war-value table per design); 1 or 3 threads and two shards merged give the same file.
        staged = ("--set", 'protocol.agenda=[["ceasefire"]]')
        one = self.run_to("c1.h5", "--threads", "1", *staged, runs=120)
        self.assert_same_datasets(one, self.run_to("c3.h5", "--threads", "3", *staged, runs=120))
        shards = [self.run_to(f"cs{k}.h5", "--shard", f"{k}/2", *staged, runs=120) for k in (1, 2)]
        merged = os.path.join(self.tmp.name, "c-merged.h5")
        r = parley("merge", merged, *shards, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_same_datasets(one, merged)
        with open_file(one) as f:
            began = f["runs/ceasefire_round"][:]
            self.assertGreater(int((began >= 1).sum()), 0)
            # A ceasefire that began is of a design; the shares in the summary count them.
            design = f["runs/ceasefire_design"][:]
            self.assertTrue((design[began >= 1] >= 0).all())
            counts = np.bincount(design[began >= 1], minlength=4) / len(began)
            np.testing.assert_allclose(f["summary/interim_share"][:], counts)

    def test_compression_does_not_change_any_dataset(self):
        plain = self.run_to("plain.h5")
        packed = self.run_to("packed.h5", "--compress", "4")
        self.assert_same_datasets(plain, packed)
        with open_file(packed) as f:
            self.assertEqual(f["runs/deal"].compression, "gzip")
            self.assertTrue(f["runs/deal"].shuffle)
        with open_file(plain) as f:
            self.assertIsNone(f["runs/deal"].compression)

    def test_seed_changes_the_draws(self):
        a = datasets(self.run_to("s1.h5", "--seed", "1"))
        b = datasets(self.run_to("s2.h5", "--seed", "2"))
        self.assertFalse(np.array_equal(a["runs/agents.russia.war_cost"], b["runs/agents.russia.war_cost"]))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


BAD_DISCOUNT = read(SCENARIO).replace(
    "discount = 0.95     # judgement: Moscow expects time to favour it", "discount = 1.7")


class Sweeps(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def sweep(self, name, *args):
        out = os.path.join(self.tmp.name, name)
        r = parley("sweep", SCENARIO, "-o", out, "-q", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def test_three_by_three_grid_opens_labelled_in_xarray(self):
        out = self.sweep("grid.h5", "-n", "300", "--vary", "agents.ukraine.war_cost=0.05:0.25:3",
                         "--vary", "agents.russia.war_cost=0.02,0.06,0.1")
        grid = group(out, "grid")
        self.assertEqual(grid["p_agreement"].dims, ("agents.ukraine.war_cost", "agents.russia.war_cost"))
        np.testing.assert_allclose(grid["agents.ukraine.war_cost"].values, [0.05, 0.15, 0.25])
        np.testing.assert_allclose(grid["agents.russia.war_cost"].values, [0.02, 0.06, 0.1])
        self.assertEqual(grid["deal_quantiles"].dims[-2:], ("issue", "quantile"))
        with open_file(out) as f:
            self.assertEqual(text(f.attrs["filetype"]), "parley-sweep")
            self.assertEqual(int(f.attrs["points"]), 9)
            runs = f["runs"]
            point, agreement = runs["point"][()], runs["agreement"][()]
            ukraine, russia = runs["agents.ukraine.war_cost"][()], runs["agents.russia.war_cost"][()]
            self.assertEqual(point.shape, (2700,))
            for p in range(9):
                rows = point == p
                # Points in row-major order: the first varied key slowest.
                self.assertTrue(np.all(np.isclose(ukraine[rows], [0.05, 0.15, 0.25][p // 3])))
                self.assertTrue(np.all(np.isclose(russia[rows], [0.02, 0.06, 0.1][p % 3])))
                self.assertEqual(grid["p_agreement"].values[p // 3, p % 3], agreement[rows].mean())
            # Common random numbers: run i draws the same parameters at every point.
            ideal = runs["agents.russia.ideal.territory"][()]
            run_index = runs["run_index"][()]
            for p in range(1, 9):
                np.testing.assert_array_equal(ideal[point == p], ideal[point == 0])
                np.testing.assert_array_equal(run_index[point == p], np.arange(300))
        grid.close()
        r = parley("info", out, "--no-scenario")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("sweep: factorial design, 9 points x 300 runs, varied: agents.ukraine.war_cost agents.russia.war_cost", r.stdout)
        self.assertRegex(r.stdout, r"grid/p_agreement +float64 +\[3, 3\]")

    def test_a_sweep_table_in_the_scenario(self):
        path = os.path.join(self.tmp.name, "with-sweep.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(read(SCENARIO) + '\n[sweep]\nvary = ["battlefield.contest.aid=20,45", "agents.ukraine.war_cost=0.1:0.3:3"]\n')
        out = os.path.join(self.tmp.name, "from-table.h5")
        r = parley("sweep", path, "-n", "50", "-o", out, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        grid = group(out, "grid")
        self.assertEqual(grid["p_agreement"].dims, ("battlefield.contest.aid", "agents.ukraine.war_cost"))
        self.assertEqual(grid["p_agreement"].shape, (2, 3))
        grid.close()
        # The same file still runs as a plain scenario.
        self.assertEqual(parley("run", path, "-n", "10", "-o", os.path.join(self.tmp.name, "plain.h5"), "-q").returncode, 0)

    def test_sweeps_do_not_depend_on_threads(self):
        args = ("-n", "200", "--vary", "battlefield.contest.aid=20:45:2", "--vary", "agents.ukraine.war_cost=0.1,0.2")
        a = datasets(self.sweep("t1.h5", "--threads", "1", *args))
        b = datasets(self.sweep("t2.h5", "--threads", "2", *args))
        for name in a:
            if a[name].dtype.kind != "O":
                self.assertEqual(a[name].tobytes(), b[name].tobytes(), name)

    def test_latin_hypercube_puts_one_point_in_each_stratum(self):
        out = self.sweep("lhs.h5", "-n", "50", "--design", "lhs", "--points", "8",
                         "--vary", "agents.ukraine.war_cost=0.05:0.25", "--vary", "battlefield.contest.aid=0:40")
        grid = group(out, "grid")
        self.assertEqual(grid["p_agreement"].dims, ("point",))
        for key, lo, hi in (("agents.ukraine.war_cost", 0.05, 0.25), ("battlefield.contest.aid", 0.0, 40.0)):
            strata = np.floor((grid[key].values - lo) / (hi - lo) * 8).astype(int)
            self.assertEqual(sorted(strata), list(range(8)), key)
        grid.close()

    def test_bad_sweeps_exit_2_and_leave_no_file(self):
        for args, message in [
            (["--vary", "agents.ukraine.war_cost=0.3:0.1:3"], "LO must be below HI"),
            (["--vary", "agents.ukraine.war_cost=a,b"], "--vary:1:25: agents.ukraine.war_cost: expected a number or a distribution, got a string"),
            (["--vary", "agents.ukraine.war_cost=0.1:0.2:3", "--design", "lhs"], "--points"),
            (["--vary", "agents.ukraine.war_cost=2.0"], "2 is out of range (allowed: a number in [0, 1])"),
            (["--vary", "agents.ukraine.warcost=0.1"], "did you mean 'war_cost'?"),
        ]:
            out = os.path.join(self.tmp.name, "bad.h5")
            r = parley("sweep", SCENARIO, "-o", out, *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(out))


class Sobol(unittest.TestCase):
    def test_sobol_file_ranks_drawn_territorial_red_lines_first_and_ignores_threads(self):
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for threads in ("1", "2"):
                out = os.path.join(tmp, f"sobol{threads}.h5")
                r = parley("sobol", SCENARIO, "-n", "200", "--threads", threads, "-o", out,
                           *DRAWN_RED_LINES)
                self.assertEqual(r.returncode, 0, r.stderr)
                files.append(out)
            self.assertIn("Sobol indices of P(agreement)", r.stdout)
            a, b = datasets(files[0]), datasets(files[1])
            for name in a:
                if a[name].dtype.kind != "O":
                    self.assertEqual(a[name].tobytes(), b[name].tobytes(), name)
            with open_file(files[0]) as f:
                self.assertEqual(text(f.attrs["filetype"]), "parley-sobol")
                factors = [text(x) for x in f["sobol/factor"][()]]
                self.assertIn("agents.russia.red_lines.territory.lo", factors)
                self.assertIn("agents.ukraine.weight", factors)  # the Dirichlet group
                self.assertEqual(int(f.attrs["evaluations"]), 200 * (len(factors) + 2))
                total = f["sobol/total"][()]
                low, high = f["sobol/total_low"][()], f["sobol/total_high"][()]
                self.assertTrue(np.all(low <= total + 1e-12) and np.all(total <= high + 1e-12))
                # Agreement turns on where the territorial red lines start and how far they can
                # concede: the largest total index is one of their ends and limits, and Moscow's
                # end is among the two largest (beside it, Moscow's war cost, which decides how
                # soon it concedes toward its limit).
                order = [factors[i] for i in np.argsort(-total)]
                self.assertIn(order[0], {"agents.russia.red_lines.territory.lo",
                                         "agents.ukraine.red_lines.territory.hi",
                                         "agents.russia.red_line_limits.territory.lo",
                                         "agents.ukraine.red_line_limits.territory.hi"})
                self.assertIn("agents.russia.red_lines.territory.lo", order[:2])
            r = parley("sobol", SCENARIO, "-n", "5", "-o", os.path.join(tmp, "x.h5"))
            self.assertEqual(r.returncode, 2)
            self.assertIn("--samples: 5 is out of range (allowed: >= 10)", r.stderr)

    def test_the_design_and_outputs_are_stored_and_give_the_indices(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "sobol.h5")
            n = 256
            r = parley("sobol", SCENARIO, "-n", str(n), "--bootstrap", "10", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(out) as f:
                self.assertEqual(text(f.attrs["design"]), "sobol-sequence")
                g = f["sobol"]
                factors = [text(x) for x in g["factor"][()]]
                ya, yb, yab = g["y_a"][()].astype(float), g["y_b"][()].astype(float), g["y_ab"][()].astype(float)
                xa, xb = g["design_a"][()], g["design_b"][()]
                first, total = g["first_order"][()], g["total"][()]
            self.assertEqual(xa.shape, (n, len(factors)))
            self.assertEqual(yab.shape, (len(factors), n))
            # The indices from the outputs, by the estimators of Saltelli et al. (2010) and
            # Jansen (1999), written out here: what SALib would compute from the same outputs.
            v = np.var(np.concatenate([ya, yb]), ddof=1)
            for i in range(len(factors)):
                self.assertAlmostEqual(first[i], np.mean(yb * (yab[i] - ya)) / v, places=12)
                self.assertAlmostEqual(total[i], np.mean((ya - yab[i]) ** 2) / (2 * v), places=12)
            # A scalar factor's column is its prior's quantiles at stratified points: the scenario
            # says agents.russia.war_cost ~ uniform[0.03, 0.09]; one point per 1/n of the range,
            # up to the shift (Kolmogorov distance at most 2/n).
            j = factors.index("agents.russia.war_cost")
            for column in (xa[:, j], xb[:, j]):
                u = np.sort((column - 0.03) / 0.06)
                self.assertTrue(np.all((u > 0) & (u < 1)))
                ks = max(np.max(np.arange(1, n + 1) / n - u), np.max(u - np.arange(n) / n))
                self.assertLessEqual(ks, 2 / n + 1e-12)
            # A Dirichlet weight group is drawn, not designed (NaN).
            self.assertTrue(np.all(np.isnan(xa[:, factors.index("agents.ukraine.weight")])))
            # A damaged output (checksum made good again) no longer gives the stored indices.
            with h5py.File(out, "r+") as f:
                y = f["sobol/y_a"][()]
                y[:8] = 1 - y[:8]
                f["sobol/y_a"][...] = y
            r = parley("info", out)
            self.assertEqual(r.returncode, 2)
            self.assertIn("is not what sobol/y_a, y_b and y_ab give", r.stderr)

    def test_the_random_design_is_the_independent_draws(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "sobol.h5")
            r = parley("sobol", SCENARIO, "-n", "40", "--design", "random", "--bootstrap", "10",
                       "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            run = os.path.join(tmp, "run.h5")
            r = parley("run", SCENARIO, "-n", "80", "-o", run, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(out) as f, open_file(run) as g:
                self.assertEqual(text(f.attrs["design"]), "random")
                factors = [text(x) for x in f["sobol/factor"][()]]
                xa, xb = f["sobol/design_a"][()], f["sobol/design_b"][()]
                # Row j of A is run j's draw, row j of B run 40 + j's (the same seed).
                for key in ("agents.russia.war_cost", "agents.russia.endurance"):
                    drawn = g["runs"][key][()]
                    np.testing.assert_array_equal(xa[:, factors.index(key)], drawn[:40])
                    np.testing.assert_array_equal(xb[:, factors.index(key)], drawn[40:])
            r = parley("sobol", SCENARIO, "-n", "40", "--design", "lhs", "-o", out + "2")
            self.assertEqual(r.returncode, 2)
            self.assertIn('--design: "lhs" is not a design (allowed: sobol-sequence, random)', r.stderr)


class Calibrate(unittest.TestCase):
    def test_the_posterior_file_opens_in_xarray_with_a_dataset_per_parameter(self):
        import xarray as xr
        with tempfile.TemporaryDirectory() as tmp:
            obs = os.path.join(tmp, "obs.toml")
            with open(obs, "w", encoding="utf-8") as f:
                f.write('[[observed]]\nstatistic = "deal_by"\nround = 3\nvalue = false\n'
                        'source = "a test"\n'
                        '[[observed]]\nstatistic = "utility"\nagent = "russia"\n'
                        'text = "first_draft"\nvalue = 0.6\nscale = 0.2\nsource = "a test"\n')
            out = os.path.join(tmp, "post.h5")
            r = parley("calibrate", SCENARIO, "--observed", obs, "-o", out, "--particles", "50",
                       "--target", "0.4", "--min-acceptance", "0.05", "--threads", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("generation  0", r.stderr)
            with open_file(out) as f:
                self.assertEqual(text(f.attrs["filetype"]), "parley-posterior")
                self.assertEqual(int(f.attrs["complete"]), 1)
                self.assertIn("deal_by", text(f.attrs["observations_toml"]))
            ds = xr.open_dataset(out, group="posterior", engine="h5netcdf")
            generations = ds.sizes["generation"]
            self.assertGreaterEqual(generations, 2)
            self.assertEqual(ds.sizes["particle"], 50)
            np.testing.assert_allclose(ds.weight.sum("particle").values, 1.0, rtol=1e-12)
            tolerance = ds.tolerance.values
            self.assertTrue(np.isinf(tolerance[0]))
            self.assertTrue(np.all(np.diff(tolerance[1:]) < 0))
            # Every accepted particle came within its generation's tolerance.
            self.assertTrue(np.all(ds.distance.values[1:] <= tolerance[1:, None]))
            # One dataset per parameter, named by its scenario key, within the prior's support.
            cost = ds["agents.russia.war_cost"].values
            self.assertTrue(np.all((cost >= 0.03) & (cost <= 0.09)))
            self.assertEqual(ds.simulations.values[0], 50)
            obs_ds = xr.open_dataset(out, group="observations", engine="h5netcdf")
            self.assertEqual(obs_ds.sizes["observation"], 2)
            # A second file with the same seed is the same calibration.
            again = os.path.join(tmp, "again.h5")
            r = parley("calibrate", SCENARIO, "--observed", obs, "-o", again, "--particles", "50",
                       "--target", "0.4", "--min-acceptance", "0.05", "--threads", "1", "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            a, b = datasets(out), datasets(again)
            for name in a:
                if name.startswith("posterior/"):
                    self.assertEqual(a[name].tobytes(), b[name].tobytes(), name)
            r = parley("calibrate", SCENARIO, "-o", os.path.join(tmp, "x.h5"))
            self.assertEqual(r.returncode, 2)
            self.assertIn("--observed: missing", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(tmp, "x.h5")))


class Conventions(unittest.TestCase):
    """CF conventions that make naive xarray code right: the "no value" markers as _FillValue,
    index columns as flags naming agents and issues, parameters marked, global attributes on
    every file type."""

    def test_every_file_type_and_the_runs_columns(self):
        import xarray as xr
        with tempfile.TemporaryDirectory() as tmp:
            at = lambda name: os.path.join(tmp, name)  # noqa: E731
            obs = at("obs.toml")
            with open(obs, "w", encoding="utf-8") as f:
                f.write('[[observed]]\nstatistic = "deal_by"\nround = 1\nvalue = false\nsource = "t"\n')
            for args in (["run", SCENARIO, "-n", "600", "-o", at("runs.h5")],
                         ["sweep", SCENARIO, "-n", "50", "--vary", "protocol.max_rounds=6,12", "-o", at("sweep.h5")],
                         ["sobol", SCENARIO, "-n", "20", "--bootstrap", "10", "-o", at("sobol.h5")],
                         ["calibrate", SCENARIO, "--observed", obs, "--particles", "20", "--generations", "1",
                          "-o", at("post.h5")]):
                r = parley(*args, "-q")
                self.assertEqual(r.returncode, 0, r.stderr)
                with h5py.File(args[args.index("-o") + 1], "r") as f:
                    self.assertEqual(text(f.attrs["Conventions"]), "CF-1.8")
                    self.assertIn("U.S.-mediated talks", text(f.attrs["title"]))
                    self.assertIn(" " + args[0] + " ", text(f.attrs["history"]))
            # parley info describes every kind of file.
            for name, says in (("runs.h5", "P(agreement)"), ("sweep.h5", "sweep:"),
                               ("sobol.h5", "Sobol indices of P(agreement)"),
                               ("post.h5", "parameter (most moved first)")):
                r = parley("info", at(name), "--no-scenario")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(says, r.stdout)
            sobol = xr.open_dataset(at("sobol.h5"), group="sobol", engine="h5netcdf")
            r = parley("info", at("sobol.h5"), "--no-scenario")
            for factor in sobol.factor.values[:5]:
                self.assertIn(text(factor), r.stdout)
            runs = xr.open_dataset(at("runs.h5"), group="runs", engine="h5netcdf")
            with h5py.File(at("runs.h5"), "r") as f:
                raw_round = f["runs/round"][()]
                agents = [text(a) for a in f["runs/agent"][()]]
                issues = [text(i) for i in f["runs/issue"][()]]
                self.assertEqual(int(f["runs/round"].attrs["_FillValue"]), -1)
            # Naive code: the mean round is over the deals only; counts ignore the marker.
            self.assertAlmostEqual(float(runs["round"].mean()), raw_round[raw_round >= 0].mean(), places=12)
            self.assertEqual(int(runs["round"].count()), int((raw_round >= 0).sum()))
            self.assertEqual(text(runs.blocker.attrs["flag_meanings"]).split(), agents)
            self.assertEqual(text(runs.obstacle.attrs["flag_meanings"]).split(), issues)
            self.assertEqual(list(np.ravel(runs.obstacle.attrs["flag_values"])), list(range(len(issues))))
            marked = sorted(v for v in runs.data_vars if runs[v].attrs.get("role") == "sampled parameter")
            self.assertIn("agents.russia.war_cost", marked)
            self.assertNotIn("round", marked)
            self.assertNotIn("outcome", marked)


class PosteriorRuns(unittest.TestCase):
    """parley run --posterior: runs drawn from a calibrated population, the same for any thread
    count, sharding or merge; hostile posterior files refused; calibrate --resume."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.obs = os.path.join(cls.dir, "obs.toml")
        with open(cls.obs, "w", encoding="utf-8") as f:
            f.write('[[observed]]\nstatistic = "utility"\nagent = "russia"\n'
                    'text = "first_draft"\nvalue = 0.55\nscale = 0.05\nsource = "a test"\n')
        cls.post = os.path.join(cls.dir, "post.h5")
        r = parley("calibrate", SCENARIO, "--observed", cls.obs, "-o", cls.post, "--particles", "60",
                   "--generations", "3", "--threads", "2", "-q")
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def at(self, name):
        return os.path.join(self.dir, name)

    def run_posterior(self, name, *args, post=None):
        r = parley("run", SCENARIO, "--posterior", post or self.post, "-n", "600", "-o", self.at(name),
                   "-q", "--force", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return self.at(name)

    def test_runs_draw_from_the_population_for_any_threads_and_shards(self):
        one = datasets(self.run_posterior("one.h5", "--threads", "1"))
        three = datasets(self.run_posterior("three.h5", "--threads", "3"))
        self.assertEqual(sorted(one), sorted(three))
        for name in one:
            self.assertEqual(np.asarray(one[name]).tobytes(), np.asarray(three[name]).tobytes(), name)
        self.run_posterior("s1.h5", "--shard", "1/2")
        self.run_posterior("s2.h5", "--shard", "2/2")
        r = parley("merge", self.at("merged.h5"), self.at("s1.h5"), self.at("s2.h5"), "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        merged = datasets(self.at("merged.h5"))
        for name in one:
            self.assertEqual(np.asarray(one[name]).tobytes(), np.asarray(merged[name]).tobytes(), name)
        with open_file(self.at("merged.h5")) as f, open_file(self.post) as g:
            self.assertIn("post.h5: generation", text(f.attrs["posterior_source"]))
            rows = text(f.attrs["posterior_population"]).splitlines()
            keys = text(g.attrs["parameters"]).splitlines()
            self.assertEqual(rows[0].split(), keys)
            weights = g["posterior/weight"][-1]
            self.assertEqual(len(rows) - 1, len(weights))
            # Row j: the last generation's particle j, exactly (%.17g).
            for j in (0, len(weights) - 1):
                values = [float(v) for v in rows[1 + j].split()]
                self.assertEqual(values[0], weights[j])
                self.assertEqual(values[1:], [float(g["posterior/" + k][-1, j]) for k in keys])
            # The runs' parameters: around the population's weighted mean (the kernel keeps it),
            # not the prior's, and never outside the prior's support.
            key = "agents.russia.ideal.territory"
            column = f["runs/" + key][()]
            particles = g["posterior/" + key][-1]
            prior = g["posterior/" + key][0]
            mean = float(np.sum(weights * particles))
            sd = float(np.sqrt(np.sum(weights * (particles - mean) ** 2)))
            self.assertLess(abs(column.mean() - mean), 4 * sd / np.sqrt(60) + 4 * sd / np.sqrt(600))
            self.assertGreater(abs(prior.mean() - mean), 4 * sd / np.sqrt(60))  # it moved
            self.assertTrue(np.all((column > 0) & (column < 1)))
        # A shard of prior runs and one of posterior runs are not one run.
        r = parley("run", SCENARIO, "-n", "600", "--shard", "2/2", "-o", self.at("prior2.h5"), "-q", "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = parley("merge", self.at("mixed.h5"), self.at("s1.h5"), self.at("prior2.h5"), "-q")
        self.assertEqual(r.returncode, 2)
        self.assertIn("posterior_population", r.stderr)
        self.assertFalse(os.path.exists(self.at("mixed.h5")))

    def test_a_posterior_sweep_draws_the_same_parameters_at_every_point(self):
        out = self.at("sweep.h5")
        r = parley("sweep", SCENARIO, "--posterior", self.post, "--vary", "protocol.max_rounds=6,12",
                   "-n", "200", "-o", out, "-q", "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open_file(out) as f, open_file(self.run_posterior("reference.h5")) as g:
            self.assertIn("posterior_population", f.attrs)
            key = "runs/agents.russia.ideal.territory"
            column = f[key][()]
            # Common random numbers: run i draws the same parameters at both points, and they
            # are the draws of `parley run --posterior` with the same seed.
            np.testing.assert_array_equal(column[:200], column[200:])
            np.testing.assert_array_equal(column[:200], g[key][:200])
        r = parley("sweep", SCENARIO, "--posterior", self.post, "--vary",
                   "agents.russia.ideal.territory=0.7,0.8", "-n", "20", "-o", self.at("no.h5"), "-q")
        self.assertEqual(r.returncode, 2)
        self.assertIn("calibrated but not sampled by the scenario: agents.russia.ideal.territory", r.stderr)
        self.assertIn("a varied key must not be a calibrated parameter", r.stderr)
        self.assertFalse(os.path.exists(self.at("no.h5")))

    def test_a_resumed_posterior_run_is_the_uninterrupted_one(self):
        complete = self.run_posterior("complete.h5", "--threads", "2")
        # The file as an interrupted run leaves it: the first 200 runs finished.
        partial = self.at("resumed.h5.partial")
        shutil.copy(complete, partial)
        with h5py.File(partial, "r+") as f:
            del f["summary"]
            f.attrs["complete"] = 0
            f.attrs["runs_done"] = 200
            done = f["runs/done"][()]
            done[200:] = 0
            f["runs/done"][...] = done
            reseal(f)
        r = parley("run", "--resume", partial, "--threads", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Posterior runs: parameters drawn from", r.stdout)
        a, b = datasets(complete), datasets(self.at("resumed.h5"))
        self.assertEqual(sorted(a), sorted(b))
        for name in a:
            self.assertEqual(np.asarray(a[name]).tobytes(), np.asarray(b[name]).tobytes(), name)

    def test_a_resumed_calibration_is_the_uninterrupted_one(self):
        part = self.at("part.h5")
        r = parley("calibrate", SCENARIO, "--observed", self.obs, "-o", part, "--particles", "60",
                   "--generations", "2", "--threads", "1", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = parley("calibrate", "--resume", part, "--generations", "3", "--threads", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming the calibration", r.stderr)
        a, b = datasets(self.post), datasets(part)
        for name in a:
            if name.startswith("posterior/"):
                self.assertEqual(np.asarray(a[name]).tobytes(), np.asarray(b[name]).tobytes(), name)
        r = parley("calibrate", "--resume", part, "--particles", "80")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--resume takes the --particles of the calibration it goes on from", r.stderr)

    def test_a_calibration_resumes_only_as_its_scenarios_parameters_and_within_its_budget(self):
        def resumed(name, edit, *args):
            path = self.at(name)
            shutil.copy(self.post, path)
            with h5py.File(path, "r+") as f:
                edit(f)
                reseal(f)
            with open(path, "rb") as raw:
                before = raw.read()
            r = parley("calibrate", "--resume", path, *args, "-q")
            with open(path, "rb") as raw:
                self.assertEqual(raw.read(), before, "the file resumed was changed")
            return r

        # The same keys in another order (the checksum made good again): the particles would go
        # on under other parameters' names.
        def swap(f):
            keys = text(f.attrs["parameters"]).splitlines()
            keys[0], keys[1] = keys[1], keys[0]
            f.attrs["parameters"] = np.bytes_("\n".join(keys).encode())
        r = resumed("swapped.h5", swap, "--generations", "4")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("the same parameters in another order", r.stderr)

        # A particle outside the prior's support.
        def outside(f):
            v = f["posterior/agents.russia.ideal.territory"][()]
            v[-1, 0] = -1.0
            f["posterior/agents.russia.ideal.territory"][...] = v
        r = resumed("outside.h5", outside, "--generations", "4")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("particle 0 has agents.russia.ideal.territory = -1", r.stderr)

        # A budget or a number of generations already spent: refused, the file kept as it was.
        with open_file(self.post) as f:
            spent = int(f["posterior/simulations"][()].sum())
            held = int(f.attrs["generations"])
        r = resumed("budget.h5", lambda f: None, "--budget", str(spent - 1))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"records {spent} already (allowed: more than {spent})", r.stderr)
        r = resumed("generations.h5", lambda f: None, "--generations", str(held))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"holds {held} already (allowed: more than {held})", r.stderr)

    def test_info_describes_a_posterior_file(self):
        r = parley("info", self.post, "--no-scenario")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("parley-posterior", r.stdout)
        self.assertIn("parameter (most moved first)", r.stdout)
        with open_file(self.post) as f:
            rows = re.findall(r"^  \d+ +(?:inf|[\d.e+-]+) +[\d.]+ +(\d+) +(\d+)$", r.stdout, re.M)
            self.assertEqual(len(rows), int(f.attrs["generations"]))
            # Each generation's simulations, and those of all so far.
            self.assertEqual([int(t) for _, t in rows],
                             list(np.cumsum([int(g) for g, _ in rows])))
            for key in text(f.attrs["parameters"]).splitlines():
                self.assertIn(key, r.stdout)

    def test_hostile_posterior_files_are_refused_with_their_reason(self):
        def refused(path, message):
            r = parley("run", SCENARIO, "--posterior", path, "-n", "10", "-o", self.at("no.h5"), "-q")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(self.at("no.h5")))

        def damaged(name, edit):
            path = self.at(name)
            shutil.copy(self.post, path)
            with h5py.File(path, "r+") as f:
                edit(f)
            return path

        # Another kind of file.
        r = parley("run", SCENARIO, "-n", "10", "-o", self.at("runs.h5"), "-q", "--force")
        refused(self.at("runs.h5"), "not a Parley posterior file")
        # Weights that do not sum to 1; a text edited without its checksum; a count beyond the
        # datasets; a particle outside the prior (its checksum resealed, so the value is what is
        # refused).
        def scale_weights(f):
            w = f["posterior/weight"][()]
            w[-1] *= 2
            f["posterior/weight"][...] = w
        refused(damaged("w.h5", scale_weights), "posterior/weight of generation 2 does not sum to 1")
        def edit_text(f):
            f.attrs["stopped"] = np.bytes_(b"edited")
        refused(damaged("t.h5", edit_text), "text_crc32 does not match")
        def more_particles(f):
            f.attrs["particles"] = np.int64(61)
        refused(damaged("n.h5", more_particles), "shape [3, 60] (allowed: [3, 61]")
        def outside(f):
            v = f["posterior/agents.russia.ideal.territory"][()]
            v[-1, 0] = 1.5
            f["posterior/agents.russia.ideal.territory"][...] = v
        refused(damaged("o.h5", outside), "particle 0 has agents.russia.ideal.territory = 1.5")
        # A population of another scenario's parameters.
        other_scenario = self.at("two.toml")
        with open(other_scenario, "w", encoding="utf-8") as f:
            f.write('[scenario]\nname = "two"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n'
                    '[agents.a]\nreservation = 0.0\nideal = { x = { uniform = [0.2, 0.8] } }\n'
                    'salience = { x = 1.0 }\n'
                    '[agents.b]\nreservation = 0.0\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n'
                    '[protocol]\nkind = "nash"\n')
        obs = self.at("two-obs.toml")
        with open(obs, "w", encoding="utf-8") as f:
            f.write('[[observed]]\nstatistic = "deal_by"\nround = 1\nvalue = true\nsource = "t"\n')
        other = self.at("other-post.h5")
        r = parley("calibrate", other_scenario, "--observed", obs, "-o", other, "--particles", "20",
                   "--generations", "1", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        refused(other, "are not the scenario's sampled parameters (calibrated but not sampled by the "
                       "scenario: agents.a.ideal.x; sampled by the scenario but not calibrated: ")


class OutputsAreNeverInputs(unittest.TestCase):
    """No command writes onto one of its inputs, whatever --force says: the scenario, the
    observations, a design, a posterior or a shard stay as they were."""

    def test_every_command_refuses_an_input_as_its_output(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = os.path.join(d, "s.toml")
            shutil.copy(SCENARIO, scenario)
            obs = os.path.join(d, "obs.toml")
            shutil.copy(os.path.join(SRC, "scenarios", "observations", "miami-2025.toml"), obs)
            design = os.path.join(d, "design.csv")
            with open(design, "w") as f:
                f.write("agents.russia.war_cost\n0.05\n")
            runs, post = os.path.join(d, "runs.h5"), os.path.join(d, "post.h5")
            self.assertEqual(parley("run", scenario, "-n", "20", "-o", runs, "-q").returncode, 0)
            r = parley("calibrate", scenario, "--observed", obs, "--particles", "20", "--generations", "1",
                       "-o", post, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            link = os.path.join(d, "another-name.toml")
            os.symlink(scenario, link)
            cases = [
                (["run", scenario, "-n", "5"], scenario, "the scenario being run"),
                (["run", scenario, "-n", "5"], link, "the scenario being run"),
                (["run", scenario, "-n", "5", "--posterior", post], post, "the posterior file"),
                (["sweep", scenario, "--vary", "agents.russia.war_cost=0.1,0.2", "-n", "5"], scenario,
                 "the scenario being run"),
                (["sweep", scenario, "--design", design, "-n", "5"], design, "the design file"),
                (["sweep", scenario, "--vary", "protocol.max_rounds=6,8", "-n", "5", "--posterior", post], post,
                 "the posterior file"),
                (["sobol", scenario, "-n", "10"], scenario, "the scenario being run"),
                (["calibrate", scenario, "--observed", obs, "--particles", "10"], scenario,
                 "the scenario being calibrated"),
                (["calibrate", scenario, "--observed", obs, "--particles", "10"], obs, "the observations file"),
                (["merge", runs], runs, "one of the shards merged"),
            ]
            def content(path):
                with open(path, "rb") as f:
                    return f.read()
            before = {p: content(p) for p in (scenario, obs, design, runs, post)}
            for args, output, what in cases:
                with self.subTest(args=args, output=output):
                    r = parley(*args, "-o", output, "--force", "-q")
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(f"{output}: is {what}", r.stderr)
                    for p, kept in before.items():
                        self.assertEqual(content(p), kept, p)
            self.assertEqual(sorted(os.listdir(d)), sorted(["s.toml", "obs.toml", "design.csv", "runs.h5",
                                                            "post.h5", "another-name.toml"]))


class TracesAndReplay(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_only_run_replays_a_run_bit_for_bit(self):
        full = os.path.join(self.tmp.name, "full.h5")
        self.assertEqual(parley("run", SCENARIO, "-n", "40", "--seed", "5", "-o", full, "-q").returncode, 0)
        a = datasets(full)
        for i in (0, 17, 39):
            one = os.path.join(self.tmp.name, f"one{i}.h5")
            r = parley("run", SCENARIO, "--seed", "5", "--only-run", str(i), "-o", one)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(f"Run {i} of miami-2025", r.stdout)
            b = datasets(one)
            for name, values in b.items():
                if not name.startswith("runs/") or values.dtype.kind == "O":
                    continue
                if values.ndim >= 1 and values.shape[0] == 1:
                    self.assertEqual(values.tobytes(), a[name][i:i + 1].tobytes(), f"{name} of run {i}")
            self.assertEqual(list(b["runs/run"]), [i])
        # Without -o a replay writes nothing.
        r = parley("run", SCENARIO, "--seed", "5", "--only-run", "3")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["full.h5", "one0.h5", "one17.h5", "one39.h5"])

    def test_trace_records_the_rounds_of_the_first_runs(self):
        out = os.path.join(self.tmp.name, "traced.h5")
        r = parley("run", SCENARIO, "-n", "60", "--trace", "12", "-o", out, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open_file(out) as f:
            t, runs = f["trace"], f["runs"]
            self.assertEqual(list(t["trace_run"][()]), list(range(12)))
            self.assertEqual(t["text"].dims[2][0].name, "/trace/issue")
            for j in range(12):
                n = int(t["rounds"][j])
                agreed = runs["agreement"][j] == 1
                if agreed:
                    self.assertEqual(n, runs["round"][j])
                    # Every veto player (russia, ukraine) accepted the last text.
                    self.assertTrue(np.all(t["accepts"][j, n - 1, 1:3] == 1))
                # The demands are the BATNAs or the aspirations above them.
                self.assertTrue(np.all(t["demand"][j, :n] >= t["batna"][j, :n]))
                # The last text traced is the final text, and the rest is padding.
                np.testing.assert_array_equal(t["text"][j, n - 1], runs["final_text"][j])
                self.assertTrue(np.all(np.isnan(t["text"][j, n:])))
                np.testing.assert_array_equal(t["batna"][j, n - 1], runs["batna"][j])
                # Without an aspiration (the mediator, Europe) the demand is the BATNA.
                np.testing.assert_array_equal(t["demand"][j, :n, [0, 3]], t["batna"][j, :n, [0, 3]])
        group(out, "trace").close()

    def test_trace_shows_red_lines_conceding_round_by_round(self):
        # Ukraine's territorial red line [0, hi], on time alone, concedes linearly toward [0, 0.65]
        # by a known deadline of 18 rounds: hi(t) = hi(1) + (t - 1)/17 (0.65 - hi(1)); Russia's,
        # with a limit inside its red line, stays.
        out = os.path.join(self.tmp.name, "conceding.h5")
        r = parley("run", SCENARIO, "-n", "40", "--trace", "40", "-o", out, "-q", *DRAWN_RED_LINES,
                   "--set", "protocol.deadline=18",
                   "--set", "agents.ukraine.red_line_limits.territory=[0.0,0.65]",
                   "--set", "agents.ukraine.tactics={time=1.0}",
                   "--set", "agents.russia.red_line_limits.territory=[1.0,1.0]")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open_file(out) as f:
            t = f["trace"]
            agents = [a.decode() for a in t["agent"][()]]
            issues = [i.decode() for i in t["issue"][()]]
            ua, ru, k = agents.index("ukraine"), agents.index("russia"), issues.index("territory")
            longer = 0
            for j in range(40):
                n = int(t["rounds"][j])
                hi = t["red_hi"][j, :n, ua, k]
                expected = hi[0] + np.arange(n) / 17.0 * (0.65 - hi[0])
                np.testing.assert_allclose(hi, expected, rtol=0, atol=1e-12)
                self.assertTrue(np.all(t["red_lo"][j, :n, ru, k] == t["red_lo"][j, 0, ru, k]))
                self.assertTrue(np.all(np.isnan(t["red_hi"][j, n:])))
                longer += n > 1
            self.assertGreater(longer, 10)
            # The mediator's beliefs (docs/model.md, section 10). Russia's territorial low end,
            # uniform on [0.45, 0.65] and not conceding here, is private: after each round its
            # posterior is uniform between the bounds the answers set, so its median is their
            # midpoint. A yes, or a no for the utility, says lo <= x; a no that names it (the
            # red line the text breaks by most, on the unit scale) says lo > x.
            with open(SCENARIO, "rb") as g:
                spec = tomllib.load(g)
            span = np.array([np.subtract(*spec["issues"][i]["range"][::-1]) for i in issues])
            self.assertTrue(np.all(np.isnan(t["belief_lo"][:, :, ru, issues.index("nato_delay")])))
            for j in range(40):
                n = int(t["rounds"][j])
                lower, upper = 0.45, 0.65
                for r_ in range(n):
                    x = t["text"][j, r_]
                    below = (t["red_lo"][j, r_, ru] - x) / span
                    above = (x - t["red_hi"][j, r_, ru]) / span
                    worst = np.maximum(below, above)
                    if t["accepts"][j, r_, ru] == 1 or worst.max() <= 0:
                        upper = min(upper, x[k]) if x[k] >= lower else upper
                    elif np.argmax(worst) == k and below[k] >= above[k]:
                        lower = max(lower, x[k]) if x[k] <= upper else lower
                    self.assertAlmostEqual(t["belief_lo"][j, r_, ru, k], 0.5 * (lower + upper),
                                           delta=1e-9)
                self.assertTrue(np.all(np.isnan(t["belief_lo"][j, n:])))


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        return path

    def test_too_many_sampled_parameters_are_refused_by_validation(self):
        # 1,334 issues whose ideals three agents draw: 4,002 sampled parameters, each a dataset
        # attached to the run coordinate (HDF5 failed past about 4,500, after the run).
        n = 1334
        issues = "".join(f"[issues.i{k}]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n" for k in range(n))
        ideal = ", ".join(f"i{k} = {{ uniform = [0.0, 1.0] }}" for k in range(n))
        salience = ", ".join(f"i{k} = 1.0" for k in range(n))
        agents = "".join(f"[agents.{a}]\n{extra}\nideal = {{ {ideal} }}\nsalience = {{ {salience} }}\n"
                         for a, extra in (("m", 'role = "mediator"\nwar_cost = 0.0'),
                                          ("a", "reservation = 0.1"), ("b", "reservation = 0.1")))
        draft = ", ".join(f"i{k} = 0.5" for k in range(n))
        path = self.write("many.toml", f'[scenario]\nname = "many"\n{issues}{agents}'
                                       f"[protocol]\nfirst_draft = {{ {draft} }}\n")
        for command in ("validate", "run"):
            r = parley(command, path, "-o", os.path.join(self.dir, "many.h5")) if command == "run" \
                else parley(command, path)
            self.assertEqual(r.returncode, 2, r.stderr[-300:])
            self.assertIn("scenario: 4002 sampled parameters (allowed: at most 4000", r.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["many.toml"])

    def test_force_replaces_only_a_regular_file_and_never_the_scenario(self):
        scenario = self.write("s.toml", read(SCENARIO))
        os.mkdir(os.path.join(self.dir, "folder"))
        os.symlink("nowhere", os.path.join(self.dir, "dangling"))
        for target, message in [("s.toml", "is the scenario being run"),
                                ("folder", "not a regular file"), ("dangling", "not a regular file"),
                                ("/dev/null", "not a regular file")]:
            with self.subTest(target=target):
                out = os.path.join(self.dir, target)
                r = parley("run", scenario, "-n", "20", "-o", out, "--force", "-q")
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"{out}: {message}", r.stderr)
        self.assertEqual(read(scenario), read(SCENARIO))
        self.assertEqual(sorted(os.listdir(self.dir)), ["dangling", "folder", "s.toml"])

    def test_a_fresh_run_never_overwrites_an_interrupted_ones_partial(self):
        out = os.path.join(self.dir, "out.h5")
        partial = self.write("out.h5.partial", "finished runs of an earlier, interrupted run")
        r = parley("run", SCENARIO, "-n", "50", "-o", out, "-q")
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{partial}: an interrupted run's finished runs are there (resume them with "
                      f"--resume {partial}, or use --force to start afresh)", r.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["out.h5.partial"])
        with open(partial, encoding="utf-8") as f:
            self.assertEqual(f.read(), "finished runs of an earlier, interrupted run")
        self.assertEqual(parley("run", SCENARIO, "-n", "50", "-o", out, "-q", "--force").returncode, 0)

    def test_files_of_another_major_format_or_none_are_refused_by_every_reader(self):
        good = os.path.join(self.dir, "good.h5")
        self.assertEqual(parley("run", SCENARIO, "-n", "50", "-o", good, "-q").returncode, 0)
        self.assertEqual(parley("info", good).returncode, 0)
        for version, problem in (("2.0", "format_version 2.0 is of another major format"),
                                 ("1.7", None),  # a later minor version: read as usual
                                 ("one", 'format_version "one" is missing or not MAJOR.MINOR'),
                                 (None, 'format_version "" is missing or not MAJOR.MINOR')):
            path = os.path.join(self.dir, f"v{version}.h5.partial")
            shutil.copy(good, path)
            with h5py.File(path, "r+") as f:
                del f.attrs["format_version"]
                if version is not None:
                    f.attrs.create("format_version", version, dtype=h5py.string_dtype("utf-8", None))
                reseal(f)
            for args in (["info", path], ["status", path], ["merge", os.path.join(self.dir, "m.h5"), path],
                         ["run", "--resume", path]):
                r = parley(*args)
                # `status` reports on every file: an unreadable one is listed, and exit 1
                # says the shards are not ready to merge.
                said = r.stdout if args[0] == "status" else r.stderr
                if problem is None:
                    self.assertNotIn("format_version", said, args)
                    continue
                self.assertEqual(r.returncode, 1 if args[0] == "status" else 2, (args, r.stderr))
                self.assertIn(f"{path}: {problem}", said, args)
                self.assertIn("(allowed: 1.x)", said, args)
            # The Python reader (src/python/parley/files.py) agrees with the program.
            if problem is None:
                self.assertEqual(header(path)["format_version"], version)
            else:
                with self.assertRaisesRegex(FileError, re.escape(f"{path}: {problem}")):
                    open_file(path)
                with self.assertRaisesRegex(FileError, "allowed: 1.x"):
                    group(path, "runs")
            merged = os.path.join(self.dir, "m.h5")
            self.assertEqual(os.path.exists(merged), problem is None)  # merged only when readable
            if problem is None:
                os.remove(merged)
            os.remove(path)

    def test_keys_of_forty_thousand_parts_are_refused_where_they_are(self):
        # They overflowed the stack of the TOML parser (in a file) and of the override merge
        # (--set): a scenario key is a few parts deep, at most 32.
        deep = "x" + ".x" * 39999
        with open(SCENARIO, encoding="utf-8") as f:
            base = f.read()
        out = os.path.join(self.dir, "out.h5")
        for name, text in (("line.toml", base + f"\n[notes]\n{deep} = 1\n"),
                           ("header.toml", base + f"\n[{deep}]\n")):
            path = self.write(name, text)
            line = text.count("\n", 0, text.index(deep)) + 1
            r = parley("run", path, "-o", out)
            self.assertEqual(r.returncode, 2, r.stderr[-300:])
            self.assertEqual(r.stderr.splitlines(), [
                f"{path}:{line}:{text.splitlines()[line - 1].index('.') + 1}: a key of more than "
                "32 parts (allowed: a dotted path such as agents.russia.discount)"])
        r = parley("run", SCENARIO, "--set", f"{deep}=1", "-o", out)
        self.assertEqual(r.returncode, 2, r.stderr[-300:])
        self.assertIn("a key of more than 32 parts", r.stderr)
        text_file = self.write("text.toml", f"{deep} = 1\n")
        r = parley("evaluate", SCENARIO, "--text-file", text_file)
        self.assertEqual(r.returncode, 2, r.stderr[-300:])
        self.assertIn(f"{text_file}:1:2: a key of more than 32 parts", r.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["header.toml", "line.toml", "text.toml"])

    def test_bad_scenario_exits_2_with_location_and_leaves_no_file(self):
        self.assertIn("discount = 1.7", BAD_DISCOUNT)
        bad = self.write("bad.toml", BAD_DISCOUNT)
        line = BAD_DISCOUNT.splitlines().index("discount = 1.7") + 1
        out = os.path.join(self.dir, "out.h5")
        r = parley("run", bad, "-o", out)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         f"{bad}:{line}:12: agents.russia.discount: 1.7 is out of range (allowed: a number in [0, 1])")
        self.assertEqual(os.listdir(self.dir), ["bad.toml"])

    def test_unknown_key_has_a_hint(self):
        bad = self.write("typo.toml", read(SCENARIO).replace("max_rounds = 24", "max_round = 24"))
        r = parley("validate", bad)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"typo\.toml:\d+:1: protocol\.max_round: unknown key \(allowed: .*did you mean 'max_rounds'\?\)")

    def test_existing_output_needs_force(self):
        out = self.write("taken.h5", "not ours")
        r = parley("run", SCENARIO, "-n", "10", "-o", out, "-q")
        self.assertEqual(r.returncode, 2)
        self.assertIn("file exists (use --force to overwrite it)", r.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "not ours")
        r = parley("run", SCENARIO, "-n", "10", "-o", out, "-q", "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open_file(out) as f:
            self.assertEqual(int(f.attrs["runs"]), 10)
        self.assertEqual(sorted(os.listdir(self.dir)), ["taken.h5"])

    def test_a_number_of_runs_may_be_grouped_or_written_with_an_exponent(self):
        out = os.path.join(self.dir, "n.h5")
        for given, runs in (("1_000", 1000), ("1e3", 1000), ("2.5e2", 250), ("10:2e1", 10)):
            r = parley("run", SCENARIO, "-n", given, "-o", out, "-q", "--force")
            self.assertEqual(r.returncode, 0, (given, r.stderr))
            with open_file(out) as f:
                self.assertEqual(int(f.attrs["runs"]), runs, given)
        for given in ("1.5e0", "1__000", "_100", "100_", "1e20", "1e"):
            r = parley("run", SCENARIO, "-n", given, "-o", out, "-q", "--force")
            self.assertEqual(r.returncode, 2, given)
            self.assertIn(f"--runs: '{given}' is not a number of runs", r.stderr)

    def test_overrides_are_run_recorded_and_checked(self):
        out = os.path.join(self.dir, "set.h5")
        r = parley("run", SCENARIO, "-n", "50", "-o", out, "-q",
                   "--set", "agents.russia.war_cost={uniform=[0.2,0.3]}", "--set", "protocol.max_rounds=5")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open_file(out) as f:
            self.assertEqual(text(f.attrs["overrides"]),
                             "agents.russia.war_cost={uniform=[0.2,0.3]}\nprotocol.max_rounds=5")
            cost = f["runs/agents.russia.war_cost"][()]
            self.assertTrue(np.all((cost >= 0.2) & (cost <= 0.3)))
            self.assertTrue(np.all(f["runs/round"][()] <= 5))
            self.assertIn("max_rounds = 5", text(f.attrs["scenario_toml"]))
        bad = os.path.join(self.dir, "bad.h5")
        r = parley("run", SCENARIO, "-o", bad, "--set", "agents.russia.discount=1.7")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         "--set:1:24: agents.russia.discount: 1.7 is out of range (allowed: a number in [0, 1])")
        self.assertFalse(os.path.exists(bad))
        for command in ("validate", "solve"):
            r = parley(command, SCENARIO, "--set", "agents.russia.discont=0.9")
            self.assertEqual(r.returncode, 2)
            self.assertIn("did you mean 'discount'?", r.stderr)
        # A war cost of 1 puts Ukraine's BATNA, u(x_war) - 1, below zero.
        r = parley("evaluate", SCENARIO, "--text", "territory=0.5", "--set", "agents.ukraine.war_cost=1.0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"ukraine +yes +[0-9.]+ +-0\.[0-9]+ ")

    def test_evaluate_gives_a_verdict_point_by_point(self):
        # With the drawn red lines, territory 0.7 lies above Ukraine's red line (its upper end's
        # central value is 0.475) and inside Russia's ([0.55, 1]), which also values it above the
        # war's 0.4 (ideal 0.8). Moving money-like issues toward Moscow (assets 250) is worse for
        # Ukraine than the status quo (0 returned) and better for Russia.
        r = parley("evaluate", SCENARIO, "--text", "territory=0.7", "--text", "assets=250", *DRAWN_RED_LINES)
        self.assertEqual(r.returncode, 0, r.stderr)
        table = r.stdout.split("Point by point")[1].splitlines()
        head = table[1].split()
        rows = {line.split()[0]: line.split()[1:] for line in table[2:6]}
        cell = lambda agent, issue: rows[agent][head.index(issue) - 1]
        self.assertEqual(cell("ukraine", "territory"), "red-line")
        self.assertEqual(cell("russia", "territory"), "accepts")
        self.assertEqual(cell("ukraine", "assets"), "worse")
        self.assertEqual(cell("russia", "assets"), "accepts")
        for agent, cells in rows.items():
            accepted = sum(c == "accepts" for c in cells[:6])
            self.assertEqual(cells[6:], [str(accepted), "of", "6"], agent)

    def test_bad_flags_exit_2(self):
        for args, message in [(["--compress", "12"], "--compress: 12 is out of range (allowed: 0-9)"),
                              (["--threads", "-1"], "--threads: -1 is out of range (allowed: 0-4096)"),
                              (["-n", "0"], "--runs: 0 is out of range (allowed: >= 1)"),
                              (["--colour"], "--colour: unknown option (allowed: --runs,")]:
            r = parley("run", SCENARIO, "-o", os.path.join(self.dir, "x.h5"), *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)
        self.assertEqual(os.listdir(self.dir), [])
        self.assertEqual(parley("frobnicate").returncode, 2)

    def test_missing_scenario_file(self):
        r = parley("run", os.path.join(self.dir, "nope.toml"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope.toml: cannot read the scenario file: No such file or directory", r.stderr)

    def test_progress_lines_when_stderr_is_not_a_terminal(self):
        # A log (here a pipe) gets a line every PARLEY_PROGRESS_SECONDS and one at the end, with
        # the count, rate, elapsed time and ETA; --quiet gets none.
        env = dict(os.environ, PARLEY_PROGRESS_SECONDS="0.05")
        line = re.compile(r"^parley: (\d+)/(\d+) (runs|negotiations) \([\d.]+%\), \d+ \3/s, "
                          r"elapsed [\d.]+ s, ETA [\d.]+ s$")
        for args in (["run", SCENARIO, "-n", "3000", "--threads", "1"],
                     ["sobol", SCENARIO, "-n", "150", "--bootstrap", "10"]):
            out = os.path.join(self.dir, "p.h5")
            r = subprocess.run([BIN, *args, "-o", out, "--force"], capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            found = [line.match(x) for x in r.stderr.splitlines() if x.startswith("parley: ")]
            self.assertGreaterEqual(len(found), 2, r.stderr)
            self.assertTrue(all(found), r.stderr)
            done = [int(m.group(1)) for m in found]
            self.assertEqual(done, sorted(done))
            self.assertEqual(done[-1], int(found[-1].group(2)))  # the last line: all of them
            r = subprocess.run([BIN, *args, "-o", out, "--force", "-q"], capture_output=True, text=True, env=env)
            self.assertEqual(r.stderr, "")

    def test_merge_reports_its_own_rate(self):
        for k in (1, 2):
            r = parley("run", SCENARIO, "-n", "2000", "--shard", f"{k}/2", "-o",
                       os.path.join(self.dir, f"s{k}.h5"), "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
        r = parley("merge", os.path.join(self.dir, "m.h5"), os.path.join(self.dir, "s1.h5"),
                   os.path.join(self.dir, "s2.h5"))
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"wall time ([\d.]+) s, (\d+) runs/s", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertGreater(int(m.group(2)), 0)

    def test_a_bare_word_is_a_string_value_of_set(self):
        # The shell takes TOML's quotes away: protocol.kind=alternating means the string.
        bare, quoted = os.path.join(self.dir, "bare.h5"), os.path.join(self.dir, "quoted.h5")
        r = parley("run", SCENARIO, "-n", "20", "-q", "-o", bare, "--set", "protocol.kind=alternating")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = parley("run", SCENARIO, "-n", "20", "-q", "-o", quoted, "--set", 'protocol.kind="alternating"')
        self.assertEqual(r.returncode, 0, r.stderr)
        with open_file(bare) as a, open_file(quoted) as b:
            self.assertEqual(text(a.attrs["protocol"]), "alternating")
            for name in ("outcome", "round", "deal"):
                self.assertEqual(a["runs/" + name][()].tobytes(), b["runs/" + name][()].tobytes(), name)
        # Words TOML already knows keep their meaning.
        r = parley("run", SCENARIO, "-n", "5", "-q", "-o", os.path.join(self.dir, "b.h5"),
                   "--set", "protocol.bracketing=true")
        self.assertNotIn("not a TOML value", r.stderr)

    def test_missing_output_directory_is_a_runtime_error(self):
        r = parley("run", SCENARIO, "-n", "10", "-o", os.path.join(self.dir, "no", "such", "x.h5"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not exist", r.stderr)

    def test_validate_prints_what_it_understood(self):
        r = parley("validate", SCENARIO)
        self.assertEqual(r.returncode, 0, r.stderr)
        for word in ("territory", "nato_delay", "russia", "mediator", "28-point" if False else "first draft",
                     "agents.ukraine.war_cost", "uniform(0.05, 0.15)"):
            self.assertIn(word, r.stdout)
        self.assertTrue(r.stdout.rstrip().endswith(": valid"))

    def test_validate_shows_a_constituency_and_what_a_refusal_does(self):
        r = parley("validate", os.path.join(SRC, "scenarios", "textbook-nash.toml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("ratified at home", r.stdout)
        r = parley("validate", SCENARIO)  # Kyiv's constituency, from KIIS polling
        self.assertEqual([line.strip() for line in r.stdout.splitlines() if "ratified at home" in line],
                         ["ratified at home with 1 / (1 + exp(-(3.64 + -6.75 x_territory))), x on unit scales"])
        r = parley("validate", SCENARIO, "--set",
                   "agents.ukraine.ratification={intercept={uniform=[3.0,4.0]},slope={territory=-6.5}}",
                   "--set", 'protocol.refusal="end"')
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        curve = [line for line in lines if "ratified at home" in line]
        self.assertEqual(len(curve), 1)
        self.assertIn("uniform(3, 4)", curve[0])
        self.assertIn("-6.5 x_territory", curve[0])
        # Under Kyiv's preferences, and the refusal rule under the protocol.
        heading = next(i for i, line in enumerate(lines) if line.startswith("Preferences of ukraine "))
        self.assertLess(heading, lines.index(curve[0]))
        self.assertIn("  a text refused at home ends the talks", lines)

    def test_validate_shows_each_shock_as_the_file_states_it(self):
        # Its trigger and its operation (a fixed round, rejections by an agent, the front), not
        # only a round and a value.
        r = parley("validate", SCENARIO, "--set",
                   'shocks=[{round=4,key="agents.ukraine.war_cost",op="scale",value=2.0},'
                   '{after_rejections=2,by="russia",key="agents.russia.war_cost",op="add",'
                   'value={uniform=[0.01,0.05]}},{front_above=0.5,key="protocol.mediator_stake",value=1}]')
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [line.split() for line in r.stdout.splitlines()]
        self.assertIn(["from", "round", "4", "agents.ukraine.war_cost", "*=", "2"], rows)
        self.assertIn(["after", "2", "rejections", "by", "russia", "agents.russia.war_cost", "+=",
                       "uniform(0.01,", "0.05)"], rows)
        self.assertIn(["once", "the", "front", "is", ">=", "0.5", "protocol.mediator_stake", "=", "1"], rows)

    def test_validate_shows_concession_aspirations_and_beliefs(self):
        # Each of these acts on the run; validate's output changes with it, on the agent's line.
        base = parley("validate", SCENARIO).stdout.splitlines()
        for override, shown in (
                ("agents.russia.concession_beta=2.0", "concession_beta 2,"),
                ("agents.ukraine.tactics={resource=2.0}", "tactics.resource 2,"),
                ("agents.europe.assertiveness=0.6", "assertiveness 0.6,"),
                ("agents.europe.aspiration=0.7", "aspiration 0.7"),
                ("agents.russia.aspiration_limit=0.3", "aspiration_limit 0.3,"),
                ("agents.ukraine.expected_drift=0.01", "expected_drift 0.01,"),
                ("agents.russia.red_line_limits={guarantees=[0.2,1.0]}", "[0.35, 1] conceding to [0.2, 1]")):
            r = parley("validate", SCENARIO, "--set", override)
            self.assertEqual(r.returncode, 0, r.stderr)
            changed = [line for line in r.stdout.splitlines() if line not in base]
            self.assertTrue(any(shown in line for line in changed), (override, changed))

    def test_validate_shows_delegations(self):
        r = parley("validate", SCENARIO, "--set",
                   'delegations=[{members=["ukraine","europe"],position="mean",voice="one"}]')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("  delegation ukraine + europe: amends toward the weighted mean of its members' "
                      "ideals, weighed as one seat (its most powerful member's power); each member keeps "
                      "its consent", r.stdout.splitlines())


SHIPPED = sorted(glob.glob(os.path.join(SRC, "scenarios", "*.toml")))


def row(output, name):
    """The numbers of the row of `parley solve` that starts with `name`."""
    for line in output.splitlines():
        if line.strip().startswith(name + " ") or line.strip() == name:
            return [float(v) for v in re.findall(r"-?\d+\.\d+", line[len(name) + 2:])]
    raise AssertionError(f"no row {name!r} in:\n{output}")


class Commands(unittest.TestCase):
    def test_every_shipped_scenario_validates_solves_evaluates_and_runs(self):
        self.assertGreaterEqual(len(SHIPPED), 3)
        with tempfile.TemporaryDirectory() as tmp:
            for path in SHIPPED:
                with self.subTest(scenario=os.path.basename(path)):
                    self.assertEqual(parley("validate", path).returncode, 0)
                    r = parley("solve", path)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertIn("Zone of agreement", r.stdout)
                    with open_file(self.run_small(path, tmp)) as f:
                        issue = text(f["runs/issue"][0])
                    r = parley("evaluate", path, "--text", f"{issue}=0")
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertIn("whose consent it needs", r.stdout)

    def run_small(self, path, tmp):
        out = os.path.join(tmp, os.path.basename(path) + ".h5")
        r = parley("run", path, "-n", "50", "-o", out, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def test_every_protocol_runs_the_default_scenario_with_diagnostics(self):
        with tempfile.TemporaryDirectory() as tmp:
            for kind in ("mediated", "alternating", "nash", "kalai"):
                with self.subTest(kind=kind):
                    path = os.path.join(tmp, f"{kind}.toml")
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(read(SCENARIO).replace('kind = "mediated"', f'kind = "{kind}"'))
                    out = os.path.join(tmp, f"{kind}.h5")
                    # (Drawn red lines that may exclude each other: not every run agrees.)
                    r = parley("run", path, "-n", "300", "-o", out, "-q", *DRAWN_RED_LINES)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    with open_file(out) as f:
                        self.assertEqual(text(f.attrs["protocol"]), kind)
                        runs = f["runs"]
                        agreed = runs["agreement"][()] == 1
                        self.assertGreater(agreed.sum(), 0)
                        self.assertLess(agreed.sum(), 300)
                        for name in ("pareto_gap", "nash_distance", "zone_first", "zone_last", "battlefield_final"):
                            self.assertEqual(runs[name].shape, (300,))
                        # Deals give every veto player at least its BATNA, whatever the protocol.
                        u, b = runs["utility"][()], runs["batna"][()]
                        self.assertTrue(np.all(u[agreed][:, 1:3] >= b[agreed][:, 1:3] - 1e-12))
                        if kind == "nash":
                            # The one-shot Nash protocol's deal is the Nash text itself.
                            self.assertTrue(np.all(runs["nash_distance"][()][agreed] < 1e-6))

    def test_the_expected_utility_model_converges_to_the_median_voter(self):
        # One issue, so every salience is 1; risk neutral: every actor ends at the power-weighted
        # median of the drawn ideals (Black 1948; docs/model.md, "The expected-utility model"),
        # the forecast, which numpy computes here from the file's own draws. The same file at 1
        # and 2 threads; bad settings named.
        scenario = """
[scenario]
name = "median"
[run]
runs = 300
seed = 5
[issues.x]
range = [0.0, 10.0]
status_quo = 5.0
""" + "".join(f"""
[agents.a{i}]
reservation = 0.0
power = {{ uniform = [0.5, 2.0] }}
ideal = {{ x = {{ uniform = [0.0, 10.0] }} }}
salience = {{ x = 1.0 }}
""" for i in range(5)) + """
[protocol]
kind = "expected_utility"
risk = "neutral"
"""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "median.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(scenario)
            outs = []
            for threads in ("1", "2"):
                out = os.path.join(tmp, f"median{threads}.h5")
                r = parley("run", path, "-o", out, "-q", "--threads", threads)
                self.assertEqual(r.returncode, 0, r.stderr)
                outs.append(out)
            self.assertEqual(differing(datasets(outs[0]), datasets(outs[1])), [])
            with open_file(outs[0]) as f:
                self.assertEqual(text(f.attrs["protocol"]), "expected_utility")
                runs = f["runs"]
                ideal = np.stack([runs[f"agents.a{i}.ideal.x"][()] for i in range(5)], axis=1)
                power = np.stack([runs[f"agents.a{i}.power"][()] for i in range(5)], axis=1)
                order = np.argsort(ideal, axis=1, kind="stable")
                x = np.take_along_axis(ideal, order, axis=1)
                w = np.take_along_axis(power, order, axis=1)
                median = x[np.arange(300), np.argmax(2 * np.cumsum(w, axis=1) >= w.sum(axis=1)[:, None], axis=1)]
                np.testing.assert_allclose(runs["final_text"][()][:, 0], median, rtol=0, atol=1e-12)
                self.assertTrue(np.all(runs["agreement"][()] == 1))
                rounds = runs["challenge_rounds"][()]
                self.assertTrue(np.all((rounds >= 1) & (rounds <= 100)))
                self.assertTrue(np.all(runs["challenges"][()] >= 1))
            # On the default scenario a settled forecast goes to Kyiv's constituency, which refuses
            # more ceded territory (docs/model.md, "Ratification at home"): the refused forecasts
            # cede more than the agreed ones; unsettled runs are censored.
            default = os.path.join(tmp, "default.h5")
            r = parley("run", SCENARIO, "-n", "1000", "-o", default, "-q", "--set", "protocol.kind=expected_utility")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(default) as f:
                outcome = decode_flags(f["runs/outcome"])
                self.assertEqual(set(outcome), {"agreement", "refused", "censored"})
                territory = f["runs/final_text"][()][:, 0]
                self.assertGreater(territory[outcome == "refused"].mean(), territory[outcome == "agreement"].mean())
                # Each move is an offer taken: the moves by kind sum to at most the offers made.
                moves = sum(f[f"runs/{k}"][()] for k in ("conflicts", "compromises", "capitulations"))
                self.assertTrue(np.all(moves <= f["runs/challenges"][()]))
                self.assertTrue(np.all(f["runs/compromises"][()] >= 0) and np.any(f["runs/conflicts"][()] > 0))
            # Whole texts against whole texts: every run settles, the same at 1 and 2 threads.
            spaces = []
            for threads in ("1", "2"):
                out = os.path.join(tmp, f"space{threads}.h5")
                r = parley("run", SCENARIO, "-n", "300", "-o", out, "-q", "--threads", threads,
                           "--set", "protocol.kind=expected_utility", "--set", 'protocol.challenges_on="space"')
                self.assertEqual(r.returncode, 0, r.stderr)
                spaces.append(out)
            self.assertEqual(differing(datasets(spaces[0]), datasets(spaces[1])), [])
            with open_file(spaces[0]) as f:
                self.assertEqual(set(decode_flags(f["runs/outcome"])), {"agreement", "refused"})
            # Under another protocol the challenge counts are -1.
            mediated = os.path.join(tmp, "mediated.h5")
            r = parley("run", SCENARIO, "-n", "20", "-o", mediated, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(mediated) as f:
                for k in ("challenge_rounds", "challenges", "conflicts", "compromises", "capitulations"):
                    self.assertTrue(np.all(f[f"runs/{k}"][()] == -1), k)

    def test_attention_sets_the_expected_utility_saliences(self):
        # Two actors on [0, 1], a at 0 with capability 3, b at 1 with capability 1, risk neutral
        # (docs/model.md, "The expected-utility model"), by hand. With one issue and saliences
        # as weights over the largest, s = 1 each: P_ab = 3/4, E_ab = 2 - 4 s_b P_ba = 1 and
        # E_ba = -1, so b capitulates to 0, the forecast, in one challenge. With the saliences
        # the attentions, s_a = 0.2 and s_b = 0.9: c s = 0.6 and 0.9, P_ab = 0.4, E_ab = 2 - 4 *
        # 0.9 * 0.6 = -0.16 < 0 < E_ba = 2 - 4 * 0.2 * 0.4 = 1.68, so a compromises toward b
        # (0.16 / 1.68 of the way) every round, b the weighted median (0.9 of 1.5) throughout: the
        # forecast is 1, settled after the 5 rounds the rule waits, with one challenge each. A
        # drawn attention is a runs column.
        scenario = """
[scenario]
name = "attention"
[run]
runs = 1
seed = 1
[issues.x]
range = [0.0, 1.0]
status_quo = 0.5
[agents.a]
reservation = 0.0
power = 3.0
ideal = { x = 0.0 }
salience = { x = 1.0 }
[agents.b]
reservation = 0.0
power = 1.0
ideal = { x = 1.0 }
salience = { x = 1.0 }
[protocol]
kind = "expected_utility"
risk = "neutral"
"""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "two.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(scenario)
            # (forecast, challenges, and the moves taken: conflicts, compromises, capitulations)
            # On one issue the issue space is that issue (docs/model.md, "The expected-utility model").
            cases = {
                "largest": ([], 0.0, 1, (0, 0, 1)),
                "attention": (["--set", 'protocol.salience_scale="attention"', "--set", "agents.a.attention=0.2",
                               "--set", "agents.b.attention=0.9"], 1.0, 5, (0, 5, 0)),
            }
            for name in list(cases):
                extra, *rest = cases[name]
                cases[name + " in the space"] = ([*extra, "--set", 'protocol.challenges_on="space"'], *rest)
            for name, (extra, forecast, challenges, moves) in cases.items():
                out = os.path.join(tmp, name + ".h5")
                r = parley("run", path, "-o", out, "-q", *extra)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open_file(out) as f:
                    runs = f["runs"]
                    self.assertEqual(runs["final_text"][()][0, 0], forecast, name)
                    self.assertEqual(runs["challenges"][0], challenges, name)
                    self.assertEqual(tuple(int(runs[k][0]) for k in ("conflicts", "compromises", "capitulations")),
                                     moves, name)
                    self.assertEqual(runs["agreement"][0], 1, name)
            # validate says how the challenges run.
            r = parley("validate", path, *cases["attention in the space"][0], "--set", 'protocol.conflict="lottery"')
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("  challenges on the issue space, risk neutral, forecast the weighted median, conflicts "
                          "drawn by lottery, salience weight times attention, challenge_rounds 100\n", r.stdout)
            # The trace of the offers taken: b's offer to a, compromised each round by 0.16 / 1.68
            # = 2/21 of the way to 1, so a stands at 1 - (19/21)^k after round k.
            out = os.path.join(tmp, "traced.h5")
            r = parley("run", path, "-o", out, "-q", "--trace", "1", *cases["attention"][0])
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(out) as f:
                t = f["trace"]
                self.assertEqual(t["challenges_taken"][()].tolist(), [5])
                self.assertEqual(t["challenge_round"][0].tolist(), [1, 2, 3, 4, 5])
                self.assertEqual(t["challenge_issue"][0].tolist(), [0] * 5)
                self.assertEqual(t["challenger"][0].tolist(), [1] * 5)
                self.assertEqual(t["target"][0].tolist(), [0] * 5)
                self.assertEqual(t["move"][0].tolist(), [2] * 5)
                k = np.arange(1, 6)
                np.testing.assert_allclose(t["move_to"][0], 1 - (19 / 21) ** k, rtol=0, atol=1e-12)
                np.testing.assert_allclose(t["move_from"][0], 1 - (19 / 21) ** (k - 1), rtol=0, atol=1e-12)
            out = os.path.join(tmp, "drawn.h5")
            r = parley("run", path, "-o", out, "-q", "-n", "50", "--set", 'protocol.salience_scale="attention"',
                       "--set", "agents.a.attention={uniform=[0.1,0.3]}", "--set", "agents.b.attention=0.9")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(out) as f:
                drawn = f["runs/agents.a.attention"][()]
                self.assertTrue(np.all((drawn >= 0.1) & (drawn <= 0.3)))
                # c s = 3 s_a < 0.9 = c_b s_b (almost surely): b holds over half the weight, the forecast 1.
                self.assertTrue(np.all(f["runs/final_text"][()][:, 0] == 1.0))

    def test_the_ktab_comparison_lines_up_its_data(self):
        # scripts/ktab_comparison.py (docs/model.md, "Against KTAB's spatial model"): each KTAB
        # reference run's first positions are the input's, actor by actor and issue by issue (the
        # files are read in step), and every case runs through Parley to a settled forecast on
        # the 0-100 scale, one row per issue.
        spec = importlib.util.spec_from_file_location("ktab", os.path.join(SRC, "scripts", "ktab_comparison.py"))
        ktab = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ktab)
        issues = 0
        for source, reference, how in ktab.CASES:
            dims, actors = ktab.read_input(os.path.join(ktab.DATA, source))
            self.assertGreaterEqual(len(actors), 13, source)
            ref = ktab.read_reference(os.path.join(ktab.DATA, reference), how, actors, dims)
            self.assertEqual(sorted(ref), list(range(len(dims))), source)
            for k in range(len(dims)):
                np.testing.assert_array_equal(ref[k][:, 0], [a["position"][k] for a in actors])
            issues += len(dims)
        rows = ktab.compare(BIN)
        self.assertEqual(len(rows), issues)
        for r in rows:
            for key in ("security_median", "security_mean", "neutral_median", "neutral_mean"):
                self.assertTrue(0.0 <= r[key] <= 100.0, (r["case"], key))
            self.assertEqual(r["settled"], {"security": 1, "neutral": 1}, r["case"])

    def test_tiny_concentrations_sample_without_nan(self):
        # Beta(mean 0.05, kappa 0.001) and Dirichlet(0.001 w): every gamma draw underflows, and
        # the draws come from their logarithms: finite, in range, and the mean kept (~0.05 of
        # the way along nato_delay's [0, 30] range, 1.5 years).
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "tiny.h5")
            r = parley("run", SCENARIO, "-n", "2000", "-o", out, "-q",
                       "--set", "agents.ukraine.ideal.nato_delay={beta={mean=1.5,kappa=0.001}}",
                       "--set", "agents.russia.salience_concentration=0.001")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open_file(out) as f:
                ideal = f["runs/agents.ukraine.ideal.nato_delay"][()]
                self.assertTrue(np.all(np.isfinite(ideal)) and np.all((ideal >= 0) & (ideal <= 30)))
                self.assertAlmostEqual(ideal.mean(), 1.5, delta=5 * np.sqrt(1.5 * 28.5 / 2000))
                weights = np.stack([f[f"runs/agents.russia.weight.{k}"][()] for k in
                                    ("territory", "nato_delay", "guarantees", "sanctions", "assets", "ceasefire")])
                self.assertTrue(np.all(np.isfinite(weights)))
                np.testing.assert_allclose(weights.sum(axis=0), 1.0, atol=1e-12)
                for name in ("utility", "batna"):
                    self.assertTrue(np.all(np.isfinite(f[f"runs/{name}"][()])), name)

    def test_solve_reproduces_nash_and_kalai_smorodinsky(self):
        # docs/model.md: Nash x = 5/6, y = 0, u = (0.75, 0.5); KS x = 2/3, y = 0, u = (0.6, 0.6).
        out = parley("solve", os.path.join(SRC, "scenarios", "textbook-nash.toml")).stdout
        nash = row(out, "Nash")
        self.assertEqual(nash[:4], [0.833, 0.0, 0.75, 0.5])
        ks = row(out, "Kalai-Smorodinsky")
        self.assertEqual(ks[:4], [0.667, 0.0, 0.6, 0.6])

    def test_solve_finds_fearons_range(self):
        # Fearon (1995): the range is [0.50, 0.75]; its middle, 0.625, leaves each side 0.125
        # above its war payoff, and is also the Nash text.
        out = parley("solve", os.path.join(SRC, "scenarios", "fearon-1995.toml")).stdout
        self.assertIn("exists; at best every veto player gets 0.1250 above its BATNA", out)
        self.assertEqual(row(out, "Nash")[:3], [0.625, 0.625, 0.375])
        self.assertEqual(row(out, "a")[-1], 0.5)  # A's BATNA p - c_A
        self.assertEqual(row(out, "b")[-1], 0.25)  # B's BATNA 1 - p - c_B

    def test_solve_names_the_issue_that_empties_the_zone(self):
        out = parley("solve", SCENARIO, *DRAWN_RED_LINES).stdout
        self.assertIn("none: their red lines on territory exclude each other", out)

    def test_evaluate_gives_each_agents_view(self):
        r = parley("evaluate", os.path.join(SRC, "scenarios", "textbook-nash.toml"),
                   "--text", "x=0.8333333333333", "--text", "y=0")
        self.assertEqual(r.returncode, 0, r.stderr)
        answers = r.stdout.split("Point by point")[0]
        lines = {l.split()[0]: l.split() for l in answers.splitlines() if l.strip()}
        self.assertAlmostEqual(float(lines["one"][2]), 0.75, places=4)
        self.assertAlmostEqual(float(lines["two"][2]), 0.5, places=4)
        self.assertEqual(lines["one"][5], "accepts")  # utility, BATNA, demand, answer
        self.assertIn("Every agent whose consent it needs accepts this text.", r.stdout)
        r = parley("evaluate", SCENARIO, "--text", "territory=0.7", *DRAWN_RED_LINES)
        self.assertIn("(first draft)", r.stdout)
        self.assertRegex(r.stdout,
                         r"ukraine +yes +[0-9.]+ +[0-9.]+ +[0-9.]+ +rejects +territory \(red line crossed\)")

    def test_evaluate_rejects_bad_texts(self):
        for args, message in [
            (["--text", "terrtory=0.5"], "--text: terrtory: unknown issue (allowed: territory, nato_delay, "
                                         "guarantees, sanctions, assets, ceasefire; did you mean 'territory'?)"),
            (["--text", "nato_delay=31"], "--text: nato_delay: 31 is out of range (allowed: a number in [0, 30])"),
            (["--text", "assets=lots"], "--text: assets: \"lots\" is not a number (allowed: a number in [0, 300])"),
            ([], "give the text with --text or --text-file"),
        ]:
            r = parley("evaluate", SCENARIO, *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "text.toml")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("territory = 0.5\nsanctions = 120\n")
            r = parley("evaluate", SCENARIO, "--text-file", bad)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip(),
                             f"{bad}:2:13: sanctions: 120 is out of range (allowed: a number in [0, 100])")


class DesignFiles(unittest.TestCase):
    """parley sweep --design FILE.csv: an external design runs exactly its points."""

    def test_a_design_file_runs_what_the_same_points_as_a_grid_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            design = os.path.join(tmp, "design.csv")
            with open(design, "w", encoding="utf-8") as f:
                f.write("# two keys, as SALib writes them\nagents.russia.war_cost,protocol.max_rounds\n")
                for a in (0.03, 0.09):
                    for b in (12, 18):
                        f.write(f"{a},{b}\n")
            listed, grid = os.path.join(tmp, "list.h5"), os.path.join(tmp, "grid.h5")
            r = parley("sweep", SCENARIO, "--design", design, "-n", "60", "--seed", "3", "-o", listed, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = parley("sweep", SCENARIO, "--vary", "agents.russia.war_cost=0.03,0.09", "--vary",
                       "protocol.max_rounds=12,18", "-n", "60", "--seed", "3", "-o", grid, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            a, b = h5py.File(listed, "r"), h5py.File(grid, "r")
            try:
                self.assertEqual(text(a.attrs["design"]), "list")
                names = []
                a["runs"].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
                for name in names:  # every run, bit for bit
                    self.assertEqual(a["runs"][name][()].tobytes(), b["runs"][name][()].tobytes(), name)
                np.testing.assert_array_equal(a["grid/p_agreement"][()], b["grid/p_agreement"][()].ravel())
                # The grid's points, one row each, with their keys.
                np.testing.assert_array_equal(a["grid/agents.russia.war_cost"][()], [0.03, 0.03, 0.09, 0.09])
            finally:
                a.close()
                b.close()
            # info reads it; merge and status treat it like any sweep.
            r = parley("info", listed, "--no-scenario")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("list design, 4 points", r.stdout)


if __name__ == "__main__":
    unittest.main()


class WarTerminationScript(unittest.TestCase):
    """scripts/war_termination.py's depth-2 tree, on rules written out here: a rule in two
    parameters (the same split on both sides of the root, or a different one on each) is found
    to within the binning, and a coin says no more than its majority class."""

    def test_the_depth_2_tree_finds_rules_in_two_parameters_and_nothing_in_noise(self):
        sys.path.insert(0, os.path.join(SRC, "scripts"))
        try:
            import war_termination
        finally:
            sys.path.pop(0)
        rng = np.random.default_rng(1)
        x = rng.random((5000, 5))
        for rule in ((x[:, 0] > 0.5) & (x[:, 3] > 0.25),
                     ((x[:, 0] > 0.5) & (x[:, 1] > 0.5)) | ((x[:, 0] <= 0.5) & (x[:, 2] < 0.5))):
            accuracy, _ = war_termination.depth2_tree(x, rule)
            self.assertGreater(accuracy, 0.98)
        coin = rng.random(5000) < 0.3
        accuracy, _ = war_termination.depth2_tree(x, coin)
        majority = 1 - coin.mean()
        self.assertGreaterEqual(accuracy, majority)
        self.assertLess(accuracy, majority + 4 * math.sqrt(majority * (1 - majority) / 5000) + 0.01)
