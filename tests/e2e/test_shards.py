"""Shards, merge, status and MPI: the same run computed in 1, 2 or 3 shards (or by 2 and 3
MPI ranks) and merged must give the file of a single-process run, dataset by dataset; merge
must refuse gaps, overlaps, incomplete shards and shards of another run."""
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

from h5files import datasets, differing, open_file, text

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")
RUNS = 1500
# Runs of one shard that a SIGINT interrupts part-way (a tenth under the sanitizers, which run
# about ten times slower: scripts/test sets PARLEY_E2E_SCALE=0.1 there).
HALF = int(60000 * float(os.environ.get("PARLEY_E2E_SCALE", "1")))


def parley(*args, binary=BIN, env=None):
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env)




class SameAsOneRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.single = os.path.join(cls.dir, "single.h5")
        r = parley("run", SCENARIO, "-n", str(RUNS), "--trace", "3", "-o", cls.single, "-q")
        assert r.returncode == 0, r.stderr
        cls.reference = datasets(cls.single)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assert_same_as_single(self, path):
        self.assertEqual(differing(self.reference, datasets(path)), [])

    def shards(self, n, name):
        paths = []
        for k in range(1, n + 1):
            out = os.path.join(self.dir, f"{name}-{k}.h5")
            r = parley("run", SCENARIO, "-n", str(RUNS), "--shard", f"{k}/{n}", "--trace", "3", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            paths.append(out)
        return paths

    def test_partial_deals_of_an_agenda_merge_into_the_single_run(self):
        # A binding agenda leaves partial deals (outcome 3, a round from 1): shards of them merge.
        agenda = ("--set", 'protocol.agenda=[["guarantees"]]')
        single = os.path.join(self.dir, "agenda.h5")
        r = parley("run", SCENARIO, "-n", "200", "-o", single, "-q", *agenda)
        self.assertEqual(r.returncode, 0, r.stderr)
        paths = []
        for k in (1, 2):
            out = os.path.join(self.dir, f"agenda-{k}.h5")
            r = parley("run", SCENARIO, "-n", "200", "--shard", f"{k}/2", "-o", out, "-q", *agenda)
            self.assertEqual(r.returncode, 0, r.stderr)
            paths.append(out)
        merged = os.path.join(self.dir, "agenda-merged.h5")
        r = parley("merge", merged, *paths, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(differing(datasets(single), datasets(merged)), [])
        with open_file(merged) as f:
            self.assertGreater(int(np.sum(f["runs/outcome"][()] == 3)), 0)

    def test_expected_utility_shards_merge_into_the_single_run(self):
        # The challenge model's datasets (challenge_rounds, challenges; refused and censored runs)
        # merge from three shards into the single run's file, bit for bit, with conflicts drawn by
        # lottery too (one stream a run).
        for conflict in ("larger", "lottery"):
            kind = ("--set", "protocol.kind=expected_utility", "--set", f"protocol.conflict={conflict}")
            single = os.path.join(self.dir, f"eu-{conflict}.h5")
            r = parley("run", SCENARIO, "-n", "300", "-o", single, "-q", *kind)
            self.assertEqual(r.returncode, 0, r.stderr)
            paths = []
            for k in (1, 2, 3):
                out = os.path.join(self.dir, f"eu-{conflict}-{k}.h5")
                r = parley("run", SCENARIO, "-n", "300", "--shard", f"{k}/3", "-o", out, "-q", *kind)
                self.assertEqual(r.returncode, 0, r.stderr)
                paths.append(out)
            merged = os.path.join(self.dir, f"eu-{conflict}-merged.h5")
            r = parley("merge", merged, *paths, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(differing(datasets(single), datasets(merged)), [], conflict)
            with open_file(merged) as f:
                self.assertTrue(np.all(f["runs/challenge_rounds"][()] >= 1))

    def test_one_two_and_three_shards_merge_into_the_single_run(self):
        for n in (1, 2, 3):
            with self.subTest(shards=n):
                paths = self.shards(n, f"s{n}")
                with open_file(paths[-1]) as f:  # a shard describes itself
                    self.assertEqual(text(f.attrs["shard"]), f"{n}/{n}")
                    self.assertEqual(int(f.attrs["runs_total"]), RUNS)
                    self.assertEqual(int(f["runs/run"][0]), (n - 1) * RUNS // n)
                merged = os.path.join(self.dir, f"merged{n}.h5")
                # Given in any order.
                r = parley("merge", merged, *reversed(paths), "-q")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assert_same_as_single(merged)

    def test_run_ranges_merge_too(self):
        paths = []
        for a, b in ((0, 700), (700, 701), (701, RUNS)):
            out = os.path.join(self.dir, f"range-{a}.h5")
            r = parley("run", SCENARIO, "-n", f"{a}:{b}", "--trace", "3", "-o", out, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            paths.append(out)
        merged = os.path.join(self.dir, "ranges.h5")
        self.assertEqual(parley("merge", merged, *paths, "-q").returncode, 0)
        self.assert_same_as_single(merged)

    def test_merge_refuses_gaps_overlaps_and_strangers(self):
        a, b, c = self.shards(3, "refuse")
        out = os.path.join(self.dir, "refused.h5")
        r = parley("merge", out, a, c)
        self.assertEqual(r.returncode, 2)
        self.assertIn("do not cover runs 0:1500 exactly once: no shard holds runs 500:1000", r.stderr)
        r = parley("merge", out, a, b, b, c)
        self.assertEqual(r.returncode, 2)
        self.assertIn("more than one shard holds runs 500:1000", r.stderr)
        other = os.path.join(self.dir, "other-seed.h5")
        self.assertEqual(parley("run", SCENARIO, "-n", str(RUNS), "--shard", "2/3", "--seed", "7",
                                "--trace", "3", "-o", other, "-q").returncode, 0)
        r = parley("merge", out, a, other, c)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a shard of the same run", r.stderr)
        self.assertIn("its seed differs", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_merge_refuses_damaged_shards_and_writes_nothing(self):
        # A shard from elsewhere whose datasets do not match its header, or whose index and flag
        # values lie outside their ranges: refused with the file and the dataset named, exit 2.
        import h5py
        a, b = self.shards(2, "damaged")

        def replace(f, name, data):
            del f[name]
            f[name] = data

        cases = {
            "widened deal": (lambda f: replace(f, "runs/deal", np.zeros((750, 9))),
                             "runs/deal: 9 values per run (allowed: 6)"),
            "short column": (lambda f: replace(f, "runs/round", np.full(10, -1, np.int32)),
                             "runs/round: 10 rows"),
            "blocker index": (lambda f: f["runs/blocker"].__setitem__(5, 2**30),
                              "runs/blocker: 1073741824 at row 5 (allowed: -1, or an agent index below 4)"),
            "obstacle index": (lambda f: f["runs/obstacle"].__setitem__(7, -9),
                               "runs/obstacle: -9 at row 7"),
            "outcome flag": (lambda f: f["runs/outcome"].__setitem__(3, 77),
                             "runs/outcome: 77 at row 3 (allowed: 0 agreement, 1 walk-out, 2 deadline, 3 partial, "
                             "4 collapse, 5 censored, 6 refused, 7 abandoned)"),
            "deal without a round": (lambda f: (f["runs/agreement"].__setitem__(11, 1),
                                                f["runs/outcome"].__setitem__(11, 0),
                                                f["runs/round"].__setitem__(11, -1)),
                                     "runs/agreement, outcome and round disagree at row 11"),
            "breakdown beyond the horizon": (lambda f: (f["runs/breakdown"].__setitem__(4, 25),
                                                        f["runs/breakdown_cause"].__setitem__(4, 0)),
                                             "runs/breakdown: 25 at row 4 (allowed: -1, or a round after "
                                             "the signature from 1 to durability.horizon (24))"),
            "breakdown without a cause": (lambda f: (f["runs/breakdown"].__setitem__(6, 3),
                                                     f["runs/breakdown_cause"].__setitem__(6, -1)),
                                          "runs/breakdown and breakdown_cause disagree at row 6"),
            "float for an index": (lambda f: replace(f, "runs/blocker", np.zeros(750)),
                                   "runs/blocker: stored as floating point"),
            "missing dataset": (lambda f: f.__delitem__("runs/zone_last"), "runs/zone_last: missing"),
            "unfinished run": (lambda f: f["runs/done"].__setitem__(20, 0),
                               "runs/done: 0 at row 20 (allowed: 1: only finished runs are read back)"),
            "matrix for a column": (lambda f: replace(f, "runs/nash_distance", np.zeros((750, 2))),
                                    "runs/nash_distance: 2 dimensions (allowed: 1)"),
        }
        for name, (damage, message) in cases.items():
            with self.subTest(case=name):
                broken = os.path.join(self.dir, "broken.h5")
                shutil.copy(b, broken)
                with h5py.File(broken, "r+") as f:
                    damage(f)
                out = os.path.join(self.dir, "from-broken.h5")
                r = parley("merge", out, a, broken)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(broken + ": " + message, r.stderr)
                self.assertFalse(os.path.exists(out))
                self.assertEqual([p for p in os.listdir(self.dir) if p.endswith(".tmp")], [])

    def test_status_names_the_temporaries_of_killed_runs(self):
        with tempfile.TemporaryDirectory() as folder:
            shard = os.path.join(folder, "one-1.h5")
            self.assertEqual(parley("run", SCENARIO, "-n", "40", "--shard", "1/2", "-o", shard, "-q").returncode, 0)
            stale = os.path.join(folder, ".one-2.h5.x7Yq2Z.tmp")  # as io::AtomicPath names them
            open(stale, "w").close()
            open(os.path.join(folder, "notes.tmp"), "w").close()  # not Parley's
            r = parley("status", shard)
            self.assertIn("temporary files of runs that were killed", r.stdout)
            self.assertIn(stale, r.stdout)
            self.assertNotIn("notes.tmp", r.stdout)

    def test_status_is_ready_only_when_merge_accepts(self):
        # Complete shards that cover the run but that merge refuses (another seed; a damaged
        # value) are not "ready to merge": status applies merge's checks (exit 1, the reason).
        import h5py
        a, b = self.shards(2, "ready")
        self.assertEqual(parley("status", a, b).returncode, 0)
        other = os.path.join(self.dir, "status-seed.h5")
        self.assertEqual(parley("run", SCENARIO, "-n", str(RUNS), "--shard", "2/2", "--seed", "7",
                                "--trace", "3", "-o", other, "-q").returncode, 0)
        damaged = os.path.join(self.dir, "status-damaged.h5")
        shutil.copy(b, damaged)
        with h5py.File(damaged, "r+") as f:
            f["runs/obstacle"][3] = 99
        for second, reason in ((other, "its seed differs"), (damaged, "runs/obstacle: 99 at row 3")):
            with self.subTest(second=second):
                r = parley("status", a, second)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn("merge would refuse them: ", r.stdout)
                self.assertIn(reason, r.stdout)
                self.assertIn("not ready to merge", r.stdout)
                self.assertEqual(parley("merge", os.path.join(self.dir, "x.h5"), a, second).returncode, 2)

    def test_an_interrupted_shard_resumes_into_the_same_shard(self):
        import signal
        import progress_lines
        out = os.path.join(self.dir, "killed-2-of-2.h5")
        with subprocess.Popen([BIN, "run", SCENARIO, "-n", str(2 * HALF), "--shard", "2/2", "--threads", "1",
                               "-o", out], stderr=subprocess.PIPE, text=True, env=progress_lines.ENV) as p:
            going, seen = progress_lines.wait_for_progress(p.stderr)
            self.assertTrue(going, "".join(seen))
            p.send_signal(signal.SIGINT)
            p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130)
        r = parley("status", out + ".partial")
        self.assertEqual(r.returncode, 1)
        self.assertIn("incomplete (resume it)", r.stdout)
        self.assertEqual(parley("run", "--resume", out + ".partial", "-q").returncode, 0)
        ref = os.path.join(self.dir, "uninterrupted-2-of-2.h5")
        self.assertEqual(parley("run", SCENARIO, "-n", str(2 * HALF), "--shard", "2/2", "-o", ref, "-q").returncode, 0)
        self.assertEqual(differing(datasets(ref), datasets(out)), [])
        with open_file(out) as f:
            self.assertEqual((text(f.attrs["shard"]), int(f.attrs["shard_first"])), ("2/2", HALF))

    def test_status_names_what_to_resubmit(self):
        a, b, c = self.shards(3, "status")
        r = parley("status", a, c)
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing runs: 500:1000", r.stdout)
        self.assertIn("shards to (re)submit: 2 (of 3)", r.stdout)
        r = parley("status", a, b, c)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("ready to merge", r.stdout)


class SweepShards(unittest.TestCase):
    def test_a_sweep_in_shards_of_points_merges_into_the_unsharded_sweep(self):
        vary = ["--vary", "protocol.max_rounds=6:18:3", "--vary", "agents.russia.discount=0.9,0.95"]
        with tempfile.TemporaryDirectory() as tmp:
            whole = os.path.join(tmp, "whole.h5")
            r = parley("sweep", SCENARIO, *vary, "-n", "200", "-o", whole, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            shards = []
            for k in (1, 2, 3, 4):
                out = os.path.join(tmp, f"part{k}.h5")
                r = parley("sweep", SCENARIO, *vary, "-n", "200", "--shard", f"{k}/4", "-o", out, "-q")
                self.assertEqual(r.returncode, 0, r.stderr)
                shards.append(out)
            self.assertEqual(parley("status", *shards).returncode, 0)
            merged = os.path.join(tmp, "merged.h5")
            r = parley("merge", merged, *shards, "-q")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(differing(datasets(whole), datasets(merged)), [])
            r = parley("merge", os.path.join(tmp, "x.h5"), shards[0], shards[2], shards[3])
            self.assertEqual(r.returncode, 2)
            # Shard 2 of 4 over 6 points holds points [1*6//4, 2*6//4) = [1, 3): rows 200:600.
            self.assertIn("no shard holds runs 200:600", r.stderr)


class SlurmRecipes(unittest.TestCase):
    """scripts/slurm's shard and merge jobs run as Slurm would run them (one task per array
    index, then the merge), on this machine: the merged file is the single run's."""

    def test_array_tasks_then_merge_give_the_single_run(self):
        slurm = os.path.join(SRC, "scripts", "slurm")
        with tempfile.TemporaryDirectory() as tmp:
            single = os.path.join(tmp, "single.h5")
            self.assertEqual(parley("run", SCENARIO, "-n", "600", "-o", single, "-q").returncode, 0)
            env = dict(os.environ, PARLEY=BIN, COMMAND="run", SCENARIO=SCENARIO, RUNS="600", SHARDS="3",
                       OUT_DIR=os.path.join(tmp, "shards"), OUTPUT=os.path.join(tmp, "merged.h5"),
                       PARLEY_ARGS="", SLURM_CPUS_PER_TASK="1")
            os.mkdir(env["OUT_DIR"])
            for k in (1, 2, 3, 2):  # task 2 twice: a resubmitted, complete shard is left alone
                r = subprocess.run(["bash", os.path.join(slurm, "shard.sbatch")], capture_output=True,
                                   text=True, env=dict(env, SLURM_ARRAY_TASK_ID=str(k)))
                self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("already complete", r.stdout)
            r = subprocess.run(["bash", os.path.join(slurm, "merge.sbatch")], capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("ready to merge", r.stdout)
            self.assertEqual(differing(datasets(single), datasets(env["OUTPUT"])), [])


class Mpi(unittest.TestCase):
    """mpirun -n 2 and -n 3 with the MPI build (PARLEY_MPI_BIN, set by scripts/test)."""

    def test_ranks_give_the_single_process_file(self):
        binary = os.environ.get("PARLEY_MPI_BIN")
        if not binary:
            if os.environ.get("PARLEY_REQUIRE_MPI"):
                self.fail("PARLEY_MPI_BIN is not set")
            self.skipTest("no MPI build (scripts/test runs this with one)")
        mpirun = shutil.which("mpirun")
        self.assertIsNotNone(mpirun)
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        with tempfile.TemporaryDirectory() as tmp:
            single = os.path.join(tmp, "single.h5")
            r = parley("run", SCENARIO, "-n", "900", "--trace", "2", "-o", single, "-q", binary=binary)
            self.assertEqual(r.returncode, 0, r.stderr)
            reference = datasets(single)
            for ranks in (2, 3):
                out = os.path.join(tmp, f"mpi{ranks}.h5")
                r = subprocess.run([mpirun, "--oversubscribe", "-n", str(ranks), binary, "run", SCENARIO,
                                    "-n", "900", "--trace", "2", "--threads", "1", "-o", out, "-q"],
                                   capture_output=True, text=True, env=env)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual(sorted(os.listdir(tmp)), sorted(["single.h5"] + [f"mpi{k}.h5" for k in range(2, ranks + 1)]))
                self.assertEqual(differing(reference, datasets(out)), [], ranks)
            # A sweep: each rank computes a slice of the points.
            vary = ["--vary", "protocol.max_rounds=6:18:3", "--vary", "agents.russia.discount=0.9,0.95"]
            sweep = os.path.join(tmp, "sweep.h5")
            r = parley("sweep", SCENARIO, *vary, "-n", "150", "-o", sweep, "-q", binary=binary)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = os.path.join(tmp, "mpi-sweep.h5")
            r = subprocess.run([mpirun, "--oversubscribe", "-n", "3", binary, "sweep", SCENARIO, *vary,
                                "-n", "150", "--threads", "1", "-o", out, "-q"], capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(differing(datasets(sweep), datasets(out)), [])
            self.assertFalse([f for f in os.listdir(tmp) if ".rank-" in f])
            # Sobol indices: each rank computes a share of the N (k + 2) negotiations, and rank 0
            # the indices, their bootstrap intervals and the file, from all of them.
            sobol = os.path.join(tmp, "sobol.h5")
            args = ["sobol", SCENARIO, "-n", "40", "--bootstrap", "20", "--threads", "1", "-q"]
            r = parley(*args, "-o", sobol, binary=binary)
            self.assertEqual(r.returncode, 0, r.stderr)
            reference = datasets(sobol)
            self.assertGreater(len(reference), 5)
            for ranks in (2, 3):
                out = os.path.join(tmp, f"mpi{ranks}-sobol.h5")
                r = subprocess.run([mpirun, "--oversubscribe", "-n", str(ranks), binary, *args, "-o", out],
                                   capture_output=True, text=True, env=env)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual(differing(reference, datasets(out)), [], ranks)
            # A calibration: each rank simulates a share of every generation's particles; a
            # calibration resumed under mpirun goes on as the uninterrupted one.
            observed = os.path.join(SRC, "scenarios", "observations", "miami-2025.toml")
            calib = ["calibrate", SCENARIO, "--observed", observed, "--particles", "60", "--threads", "1", "-q"]
            whole = os.path.join(tmp, "posterior.h5")
            r = parley(*calib, "--generations", "3", "-o", whole, binary=binary)
            self.assertEqual(r.returncode, 0, r.stderr)
            reference = datasets(whole)
            self.assertEqual(reference["posterior/generation"].shape, (3,))
            for ranks in (2, 3):
                out = os.path.join(tmp, f"mpi{ranks}-posterior.h5")
                r = subprocess.run([mpirun, "--oversubscribe", "-n", str(ranks), binary, *calib, "--generations", "3",
                                    "-o", out], capture_output=True, text=True, env=env)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual(differing(reference, datasets(out)), [], ranks)
            part = os.path.join(tmp, "mpi-part.h5")
            r = subprocess.run([mpirun, "--oversubscribe", "-n", "2", binary, *calib, "--generations", "2", "-o", part],
                               capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            r = subprocess.run([mpirun, "--oversubscribe", "-n", "3", binary, "calibrate", "--resume", part,
                                "--generations", "3", "--threads", "1", "-q"], capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(differing(reference, datasets(part)), [])
            # The same through the Slurm recipe (scripts/slurm/mpi.sbatch, RUNS the particles).
            sbatch = os.path.join(tmp, "sbatch-posterior.h5")
            r = subprocess.run(["bash", os.path.join(SRC, "scripts", "slurm", "mpi.sbatch")], capture_output=True,
                               text=True, env=dict(env, PARLEY=binary, COMMAND="calibrate", SCENARIO=SCENARIO, RUNS="60",
                                                   OUTPUT=sbatch, SLURM_NTASKS="2", SLURM_CPUS_PER_TASK="1",
                                                   PARLEY_ARGS=f"--observed {observed} --generations 3",
                                                   OMPI_MCA_rmaps_base_oversubscribe="1"))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(differing(reference, datasets(sbatch)), [])


if __name__ == "__main__":
    unittest.main()
