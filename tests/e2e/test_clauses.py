"""Discrete issues end to end: the CSIS article set against the tool's own satisfaction
figures, constraints (exclusions and requirements) in every protocol, and the exact and
local searches of the solver against brute-force enumeration written here in numpy."""
import csv
import itertools
import os
import re
import subprocess
import tempfile
import unittest

import numpy as np

from h5files import open_file

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
CSIS = os.path.join(SRC, "scenarios", "csis-articles.toml")
CSV = os.path.join(SRC, "tests", "data", "csis-articles.csv")
# The tool's presets as its page shows them (see the CSV's header).
PRESETS = {1: [1, 4, 6, 10, 11, 13, 16, 19, 20], 2: [3, 6, 8, 14, 16, 17, 19, 20], 3: [3, 7, 9, 14, 16, 20]}
ACTORS = {"ukraine": "ukraine", "russia": "russia", "us": "usa", "europe": "eu"}
EXCLUSIONS = [(2, 3), (5, 6), (8, 10), (12, 13), (14, 15)]


def parley(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True)


def write(folder, name, text):
    """A scenario written to folder/name; returns its path."""
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def scores():
    with open(CSV, encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    head, data = rows[0], rows[1:]
    return {actor: np.array([float(r[head.index(col + "_sat")]) for r in data]) / 10
            for actor, col in ACTORS.items()}


def utilities(output):
    """agent -> utility from `parley evaluate` output."""
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^  (\w+) +(?:yes|no) +([0-9.]+) ", output, re.M)}


class CsisArticles(unittest.TestCase):
    def test_evaluate_reproduces_the_tools_satisfaction_for_its_presets(self):
        sat = scores()
        for preset, articles in PRESETS.items():
            text = [f"--text=a{i:02d}={'in' if i in articles else 'out'}" for i in range(1, 21)]
            r = parley("evaluate", CSIS, *text)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = utilities(r.stdout)
            for actor in ACTORS:
                expected = sat[actor][np.array(articles) - 1].mean()  # the tool: mean score
                self.assertAlmostEqual(got[actor], expected, places=4, msg=f"preset {preset}, {actor}")
            # The agents below their thresholds, named in the scenario's order.
            refusing = [a for a, t in zip(ACTORS, (0.5, 0.8, 0.3, 0.4)) if got[a] < t]
            self.assertIn("Every agent whose consent it needs accepts this text." if not refusing else
                          f"Rejected by {', '.join(refusing)}, whose consent it needs.", r.stdout)

    def test_evaluate_reports_an_excluded_pair(self):
        r = parley("evaluate", CSIS, "--text", "a05=in", "--text", "a06=in")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("breaks the constraint excludes [a05, a06]", r.stdout)
        self.assertIn("The constraints rule this text out.", r.stdout)

    def test_every_protocol_runs_and_no_text_breaks_an_exclusion(self):
        with tempfile.TemporaryDirectory() as tmp:
            for kind in ("mediated", "alternating", "nash", "kalai"):
                out = os.path.join(tmp, f"{kind}.h5")
                r = parley("run", CSIS, "-n", "60", "-o", out, "-q", "--set", f'protocol.kind="{kind}"')
                self.assertEqual(r.returncode, 0, kind + r.stderr)
                with open_file(out) as f:
                    text = f["runs/final_text"][()]
                    self.assertTrue(np.all((text == 0) | (text == 1)), kind)  # clauses: out or in
                    for a, b in EXCLUSIONS:
                        self.assertFalse(np.any((text[:, a - 1] == 1) & (text[:, b - 1] == 1)), (kind, a, b))
                    agreed = f["runs/agreement"][()] == 1
                    self.assertGreater(agreed.sum(), 0, kind)
                    # A deal satisfies every veto player at its drawn scores: u >= threshold.
                    u = f["runs/utility"][()][agreed]
                    self.assertTrue(np.all(u >= np.array([0.5, 0.8, 0.3, 0.4]) - 1e-12), kind)

    def test_local_search_finds_the_brute_force_nash_text(self):
        # 2^20 texts: beyond exact enumeration, so the solver searches locally; numpy
        # enumerates every text here and the two must agree on the best Nash product.
        r = parley("solve", CSIS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Solver: local search", r.stdout)
        sat = scores()
        texts = np.array(list(itertools.product([0, 1], repeat=20)), dtype=float)
        for a, b in EXCLUSIONS:
            texts = texts[~((texts[:, a - 1] == 1) & (texts[:, b - 1] == 1))]
        n_in = texts.sum(axis=1)
        texts, n_in = texts[n_in > 0], n_in[n_in > 0]
        product = np.zeros(len(texts))
        ok = np.ones(len(texts), bool)
        for actor, d in zip(ACTORS, (0.5, 0.8, 0.3, 0.4)):
            gain = texts @ sat[actor] / n_in - d
            ok &= gain > 0
            product += np.log(np.where(gain > 0, gain, 1))
        best = np.argmax(np.where(ok, product, -np.inf))
        line = next(l for l in r.stdout.splitlines() if l.strip().startswith("Nash"))
        clauses_in = [k + 1 for k, v in enumerate(line.split()[1:21]) if v == "in"]
        self.assertEqual(clauses_in, [k + 1 for k in np.flatnonzero(texts[best])])


MIXED = """
[scenario]
name = "mixed"
[issues.money]
range = [0.0, 100.0]
status_quo = 50.0
[issues.nato]
kind = "options"
options = ["membership", "delayed-10y", "delayed-20y", "ban"]
status_quo = "membership"
[issues.monitors]
kind = "clause"
[issues.withdrawal]
kind = "clause"
[agents.m]
role = "mediator"
reservation = 0.0
ideal = { money = 50.0 }
salience = { money = 1.0 }
[agents.a]
reservation = 0.2
ideal = { money = 0.0 }
salience = { money = 0.4, nato = 0.3, monitors = 0.1, withdrawal = 0.2 }
values = { nato = [1.0, 0.7, 0.4, 0.0], monitors = 0.9, withdrawal = [0.0, 1.0] }
[agents.b]
reservation = 0.3
ideal = { money = 100.0 }
salience = { money = 0.3, nato = 0.5, monitors = 0.1, withdrawal = 0.1 }
values = { nato = [0.0, 0.3, 0.8, 1.0], monitors = 0.2, withdrawal = [1.0, 0.1] }
[[constraints]]
requires = ["withdrawal", "monitors"]   # phased withdrawal only with monitoring
[protocol]
first_draft = { money = 50.0, nato = "delayed-10y" }
"""


class MixedSpace(unittest.TestCase):
    """Continuous, options and clause issues in one text, with a requirement: the exact
    enumeration's Nash text against a brute force over the options and a fine grid of money."""

    def brute_force_nash(self):
        nato_a, nato_b = [1.0, 0.7, 0.4, 0.0], [0.0, 0.3, 0.8, 1.0]
        best, best_v = None, -np.inf
        money = np.linspace(0, 1, 100001)
        for nato, mon, wd in itertools.product(range(4), (0, 1), (0, 1)):
            if wd == 1 and mon == 0:
                continue  # withdrawal only with monitors
            ua = 0.4 * (1 - money) + 0.3 * nato_a[nato] + 0.1 * 0.9 * mon + 0.2 * (1.0 if wd else 0.0)
            ub = 0.3 * money + 0.5 * nato_b[nato] + 0.1 * 0.2 * mon + 0.1 * (0.1 if wd else 1.0)
            v = np.where((ua > 0.2) & (ub > 0.3), np.log(np.maximum(ua - 0.2, 1e-300)) +
                         np.log(np.maximum(ub - 0.3, 1e-300)), -np.inf)
            j = int(np.argmax(v))
            if v[j] > best_v:
                best_v, best = v[j], (money[j] * 100, ["membership", "delayed-10y", "delayed-20y", "ban"][nato],
                                      "in" if mon else "out", "in" if wd else "out")
        return best

    def test_exact_search_matches_brute_force_and_respects_the_requirement(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write(tmp, "mixed.toml", MIXED)
            r = parley("solve", path)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Solver: enumeration of up to 16 texts (exact)", r.stdout)
            line = next(l for l in r.stdout.splitlines() if l.strip().startswith("Nash"))
            money, nato, monitors, withdrawal = line.split()[1:5]
            expected = self.brute_force_nash()
            self.assertAlmostEqual(float(money), expected[0], delta=0.01)
            self.assertEqual((nato, monitors, withdrawal), expected[1:])
            # Without monitors, a withdrawal clause may not stand: evaluate says so.
            r = parley("evaluate", path, "--text", "withdrawal=in", "--text", "monitors=out")
            self.assertIn("breaks the constraint requires [withdrawal, monitors]", r.stdout)
            # Every protocol runs on the mixed space and keeps options whole and the requirement.
            for kind in ("mediated", "alternating", "nash", "kalai"):
                out = os.path.join(tmp, f"{kind}.h5")
                r = parley("run", path, "-n", "40", "-o", out, "-q", "--set", f'protocol.kind="{kind}"')
                self.assertEqual(r.returncode, 0, kind + r.stderr)
                with open_file(out) as f:
                    t = f["runs/final_text"][()]
                    self.assertTrue(np.all(t[:, 1] == np.round(t[:, 1])), kind)
                    self.assertFalse(np.any((t[:, 3] == 1) & (t[:, 2] == 0)), kind)


DEADLOCK = """
[scenario]
name = "deadlock"
[issues.land]
range = [0.0, 1.0]
status_quo = 0.5
[issues.money]
range = [0.0, 1.0]
status_quo = 0.5
[issues.monitors]
kind = "clause"
[agents.m]
role = "mediator"
reservation = 0.0
ideal = { land = 0.5, money = 0.5 }
salience = { land = 0.5, money = 0.5 }
[agents.a]
reservation = 0.2
ideal = { land = 0.0, money = 0.0 }
salience = { land = 0.6, money = 0.3, monitors = 0.1 }
values = { monitors = 1.0 }
red_lines = { land = [0.0, 0.3] }
[agents.b]
reservation = 0.2
ideal = { land = 1.0, money = 1.0 }
salience = { land = 0.6, money = 0.3, monitors = 0.1 }
values = { monitors = [1.0, 0.5] }
red_lines = { land = [0.7, 1.0] }
[protocol]
max_rounds = 12
first_draft = { land = 0.5, money = 0.5 }
"""


class Bracketing(unittest.TestCase):
    """Red lines on land exclude each other, so no full deal exists. With bracketing the
    mediator sets land aside after bracket_after rounds and the parties settle the rest: a
    partial deal, recorded as such."""

    def run_deadlock(self, tmp, *extra):
        path = write(tmp, "deadlock.toml", DEADLOCK)
        out = os.path.join(tmp, "out.h5")
        r = parley("run", path, "-n", "100", "-o", out, "-q", "--force", "--trace", "2", *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def test_without_bracketing_no_deal_with_it_a_partial_one(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open_file(self.run_deadlock(tmp)) as f:
                self.assertTrue(np.all(f["runs/agreement"][()] == 0))
                self.assertFalse(np.any(f["runs/outcome"][()] == 3))
                self.assertTrue(np.all(f["runs/bracketed"][()] == 0))
            out = self.run_deadlock(tmp, "--set", "protocol.bracketing=true", "--set", "protocol.bracket_after=2")
            with open_file(out) as f:
                outcome, agreement = f["runs/outcome"][()], f["runs/agreement"][()]
                bracketed, deal = f["runs/bracketed"][()], f["runs/deal"][()]
                rounds = f["runs/round"][()]
                self.assertTrue(np.all(outcome == 3))  # every run: a partial deal
                self.assertTrue(np.all(agreement == 0))  # not counted as full agreement
                np.testing.assert_array_equal(bracketed, np.tile([1, 0, 0], (100, 1)))  # land
                self.assertTrue(np.all(np.isnan(deal[:, 0])))
                self.assertTrue(np.all(np.isfinite(deal[:, 1:])))
                self.assertTrue(np.all(rounds > 2))  # after the bracketing at round 2
                self.assertTrue(np.all(np.isin(deal[:, 2], [0.0, 1.0])))
                self.assertEqual(list(f["summary/outcome"][()].astype(str)),
                                 ["agreement", "walk-out", "deadline", "partial", "collapse", "censored",
                                  "refused", "abandoned"])
                self.assertEqual(int(f["summary/outcome_count"][3]), 100)
                # Lineage: the trace says how each round's text differs from the one before.
                text, changes = f["trace/text"][()], f["trace/changes"][()]
                n = f["trace/rounds"][()]
                for j in range(2):
                    diff = np.sign(np.diff(text[j, : n[j]], axis=0))
                    np.testing.assert_array_equal(changes[j, 1 : n[j]], diff.astype(np.int8))
                    self.assertTrue(np.all(changes[j, 0] == 0))

    def test_bracketing_is_for_the_mediator_only(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write(tmp, "deadlock.toml", DEADLOCK)
            r = parley("validate", path, "--set", "protocol.bracketing=true", "--set", 'protocol.kind="nash"')
            self.assertEqual(r.returncode, 2)
            self.assertIn("protocol.bracketing: only a mediator brackets issues", r.stderr)


if __name__ == "__main__":
    unittest.main()
