"""parley compare against a hand computation from the raw datasets: paired differences for
runs that share their random numbers, independent ones otherwise, each measure's standard
error computed run by run here (the program keeps sums). Run by ctest with PARLEY_BIN and
PARLEY_SOURCE_DIR set."""
import csv
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")


def parley(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def measures(path):
    """Per measure: (y, counts) per run, from the file's runs/ datasets."""
    with h5py.File(path, "r") as f:
        r = f["runs"]
        agreement = r["agreement"][()] == 1
        ones = np.ones(agreement.shape)
        outcome = r["outcome"][()]
        meanings = r["outcome"].attrs["flag_meanings"]
        meanings = (meanings.decode() if isinstance(meanings, bytes) else meanings).split()
        issues = [i.decode() if isinstance(i, bytes) else i for i in r["issue"][()]]
        out = {"P(agreement)": (agreement.astype(float), ones)}
        for code, name in enumerate(meanings):
            if name != "agreement":
                out[f"share {name}"] = ((outcome == code).astype(float), ones)
        out["last round"] = (r["last_round"][()].astype(float), ones)
        deals = agreement.astype(float)
        out["round of the deal (deals)"] = (np.where(agreement, r["round"][()], 0.0), deals)
        deal = r["deal"][()]
        for k, issue in enumerate(issues):
            out[f"deal {issue} (deals)"] = (np.where(agreement, deal[:, k], 0.0), deals)
        obstacle = r["obstacle"][()]
        for k, issue in enumerate(issues):
            out[f"principal obstacle {issue}"] = ((obstacle == k).astype(float), ones)
        out["deal holds (deals)"] = ((r["breakdown"][()] < 0).astype(float), deals)
        return out


def linearised(y, counts):
    """The ratio estimator R = sum(a y) / sum(a) and its linearisation z = a (y - R) / mean(a)."""
    ratio = (counts * y).sum() / counts.sum()
    return ratio, counts * (y - ratio) / counts.mean()


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Compare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.base = cls.path("base.h5")
        cls.alternating = cls.path("alternating.h5")
        cls.other_seed = cls.path("seed.h5")
        # Fewer runs under the sanitizers' ten times slower program (PARLEY_E2E_SCALE).
        scale = float(os.environ.get("PARLEY_E2E_SCALE", "1"))
        n, m = str(max(300, int(2000 * scale))), str(max(200, int(1500 * scale)))
        for out, extra in ((cls.base, ["-n", n]),
                           (cls.alternating, ["-n", n, "--set", "protocol.kind=alternating"]),
                           (cls.other_seed, ["--seed", "7", "-n", m])):
            r = parley("run", SCENARIO, "-q", "-o", out, *extra)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def compare(self, *files):
        table = self.path("compare.csv")
        r = parley("compare", *files, "-o", table, "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout, read_csv(table)

    def check(self, rows, a_path, b_path, paired):
        a, b = measures(a_path), measures(b_path)
        self.assertGreater(len(rows), 15)
        for row in rows:
            name = row["measure"]
            ra, za = linearised(*a[name])
            rb, zb = linearised(*b[name])
            if paired:
                se = np.std(zb - za, ddof=1) / np.sqrt(len(za))
            else:
                se = np.sqrt(np.var(za, ddof=1) / len(za) + np.var(zb, ddof=1) / len(zb))
            self.assertAlmostEqual(float(row["base_value"]), ra, places=12, msg=name)
            self.assertAlmostEqual(float(row["other_value"]), rb, places=12, msg=name)
            self.assertAlmostEqual(float(row["difference"]), rb - ra, places=12, msg=name)
            self.assertAlmostEqual(float(row["standard_error"]), se, delta=1e-9 * max(1, se),
                                   msg=name)
            self.assertEqual(row["paired"], "1" if paired else "0")
            self.assertEqual(row["beyond_noise"], "1" if abs(rb - ra) > 1.96 * se else "0", name)

    def test_paired_differences_are_those_of_the_raw_runs(self):
        out, rows = self.compare(self.base, self.alternating)
        self.assertIn("paired run by run", out)
        self.check(rows, self.base, self.alternating, paired=True)
        # Paired, the difference of P(agreement) is far more precise than independent runs
        # would make it: the runs' shared draws cancel.
        row = next(r for r in rows if r["measure"] == "P(agreement)")
        a, b = measures(self.base)["P(agreement)"][0], measures(self.alternating)["P(agreement)"][0]
        independent = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        self.assertLess(float(row["standard_error"]), independent)

    def test_different_seeds_give_independent_differences(self):
        out, rows = self.compare(self.base, self.other_seed)
        self.assertIn("independent (different seeds", out)
        self.check(rows, self.base, self.other_seed, paired=False)

    def test_a_file_against_itself_differs_by_nothing(self):
        _, rows = self.compare(self.base, self.base)
        for row in rows:
            self.assertEqual(float(row["difference"]), 0.0, row["measure"])
            self.assertEqual(row["beyond_noise"], "0", row["measure"])

    def test_what_cannot_be_compared_is_refused(self):
        sweep = self.path("sweep.h5")
        self.assertEqual(parley("sweep", SCENARIO, "-n", "5", "-q", "-o", sweep, "--vary",
                                "agents.russia.discount=0.9,0.95").returncode, 0)
        for args, says in (
                ([self.base], "give at least two runs files (the first is the base)"),
                ([self.base, sweep], f"{sweep}: a sweep (allowed: runs files"),
                ([self.base, self.alternating, "-o", self.base],
                 "is a runs file being compared (allowed: an output path that is none of the "
                 "command's inputs)"),
                ([self.base, self.path("missing.h5")], "missing.h5")):
            r = parley("compare", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(says, r.stderr)
            self.assertEqual(r.stdout, "")
        # An existing CSV is kept unless --force.
        table = self.path("kept.csv")
        with open(table, "w") as f:
            f.write("mine\n")
        r = parley("compare", self.base, self.alternating, "-o", table)
        self.assertEqual(r.returncode, 2)
        with open(table) as f:
            self.assertEqual(f.read(), "mine\n")


if __name__ == "__main__":
    unittest.main()
