#!/usr/bin/env python3
"""KTAB's spatial model of politics against Parley's expected-utility model, on KTAB's own data.

Reads the inputs and reference runs in tests/data/ktab (KAPSARC's KTAB, examples/smp; see its
README), writes each input as a Parley scenario (one continuous issue per KTAB dimension on
0-100, capability = influence, ideal = position, salience = KTAB's salience with
protocol.salience_scale = "attention" and each agent's attention its saliences' sum / 100, so
that its salience on an issue is KTAB's salience / 100), runs it once under
protocol.kind = "expected_utility" in each setting, and prints per issue:

  - the capability x salience weighted median and mean of the initial positions;
  - KTAB's final positions as the same weighted median and mean (its runs give positions, not a
    forecast), their spread, and the number of rounds;
  - Parley's forecast (median and mean) with risk from security and risk neutral, issue by issue,
    and with risk from security in the issue space (protocol.challenges_on = "space").

docs/model.md, "Against KTAB's spatial model", explains the differences by the algorithms'
stated choices. Usage: scripts/ktab_comparison.py [--parley build/release/parley] [--markdown]
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "ktab")

# KTAB input, reference positions (the file and how to read it), and its label.
CASES = [
    ("SOE-Policy.csv", "SOE-Policy.csv_posLog.csv", "poslog"),
    ("SOE-Competitive.csv", "SOE-Competitive.csv_posLog.csv", "poslog"),
    ("SOE-Pol-Comp.csv", "20170530_ref-SOE-Pol-Comp.excerpt.txt", "history"),
]
SETTINGS = [("security", "median"), ("security", "mean"), ("neutral", "median"), ("neutral", "mean")]
# The same with the challenges in the issue space (whole texts), risk from security.
SPACE = [("security", "median"), ("security", "mean")]


def read_input(path):
    """KTAB's CSV: a title row, a header row, then per actor its name, description, influence
    and per dimension a position and a salience (0-100)."""
    with open(path, encoding="utf-8") as f:
        rows = [[c.strip() for c in row] for row in csv.reader(f)]
    header = [c for c in rows[1] if c]
    dims = [h[: -len(" Position")] for h in header[3::2]]
    actors = []
    for row in rows[2:]:
        if not row or not row[0]:
            continue
        values = [float(c) for c in row[2: 3 + 2 * len(dims)]]
        actors.append({"id": row[0], "influence": values[0], "position": values[1::2], "salience": values[2::2]})
    return dims, actors


def read_reference(path, how, actors, dims):
    """Each actor's positions round by round, per dimension: {dim index: array (actors, rounds)}."""
    ids = [a["id"] for a in actors]
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if how == "poslog":  # one dimension: "ID, x0, x1, ..."
        by_id = {}
        for line in lines:
            name, *values = [c.strip() for c in line.split(",")]
            by_id[name] = [float(v) for v in values if v]
        out[0] = np.array([by_id[i] for i in ids])
    else:  # "ID, <Dim> Position:  x0  x1 ..." after "History of actor positions over time:"
        start = [l.strip() for l in lines].index("History of actor positions over time:") + 1
        by_key = {}
        for line in lines[start:]:
            m = re.match(r"^(\S+), (.+) Position:\s+(.*)$", line)
            if m:
                by_key[(m.group(1), m.group(2))] = [float(v) for v in m.group(3).split()]
        for k, d in enumerate(dims):
            out[k] = np.array([by_key[(i, d)] for i in ids])
    return out


def weighted_median(x, w):
    """The leftmost position with at most half the weight on either side (as Parley's)."""
    order = np.argsort(x, kind="stable")
    x, w = np.asarray(x)[order], np.asarray(w)[order]
    total = w.sum()
    for s in range(len(x)):
        below = w[x < x[s]].sum()
        above = w[x > x[s]].sum()
        if 2 * below <= total and 2 * above <= total:
            return x[s]
    return x[0]


def scenario(name, dims, actors, risk, forecast, on="issue"):
    ids = [f"d{k}" for k in range(len(dims))]
    text = [f'[scenario]\nname = "{name}"\n[run]\nruns = 1\nseed = 1\n']
    for i, d in zip(ids, dims):
        text.append(f'[issues.{i}]\nlabel = "{d}"\nrange = [0.0, 100.0]\nstatus_quo = 50.0\n')
    for a in actors:
        ideal = ", ".join(f"{i} = {p!r}" for i, p in zip(ids, a["position"]))
        salience = ", ".join(f"{i} = {s!r}" for i, s in zip(ids, a["salience"]))
        attention = sum(a["salience"]) / 100.0
        text.append(f'[agents.{a["id"].lower()}]\nreservation = 0.0\npower = {a["influence"]!r}\n'
                    f'attention = {attention!r}\nideal = {{ {ideal} }}\nsalience = {{ {salience} }}\n')
    text.append(f'[protocol]\nkind = "expected_utility"\nsalience_scale = "attention"\n'
                f'risk = "{risk}"\nforecast = "{forecast}"\nchallenges_on = "{on}"\n')
    return "".join(text)


def run_parley(parley, text, tmp, tag):
    path = os.path.join(tmp, tag + ".toml")
    out = os.path.join(tmp, tag + ".h5")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    r = subprocess.run([parley, "run", path, "-o", out, "-q"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"ktab_comparison: parley run {tag} failed:\n{r.stderr}")
    with h5py.File(out, "r") as f:
        runs = f["runs"]
        return runs["final_text"][0, :].copy(), int(runs["challenge_rounds"][0]), int(runs["agreement"][0])


def compare(parley):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for source, reference, how in CASES:
            dims, actors = read_input(os.path.join(DATA, source))
            ref = read_reference(os.path.join(DATA, reference), how, actors, dims)
            ours = {}
            for risk, forecast in SETTINGS:
                tag = f"{source[:-4]}-{risk}-{forecast}"
                ours[(risk, forecast)] = run_parley(parley, scenario(tag, dims, actors, risk, forecast), tmp, tag)
            for risk, forecast in SPACE:
                tag = f"{source[:-4]}-{risk}-{forecast}-space"
                ours[(risk, forecast, "space")] = run_parley(
                    parley, scenario(tag, dims, actors, risk, forecast, "space"), tmp, tag)
            for k, d in enumerate(dims):
                w = np.array([a["influence"] * a["salience"][k] for a in actors])
                x0 = np.array([a["position"][k] for a in actors])
                final = ref[k][:, -1]
                rows.append({
                    "case": source[:-4], "issue": d, "actors": len(actors),
                    "initial_median": weighted_median(x0, w), "initial_mean": float(w @ x0 / w.sum()),
                    "ktab_median": weighted_median(final, w), "ktab_mean": float(w @ final / w.sum()),
                    "ktab_spread": (float(final.min()), float(final.max())), "ktab_rounds": ref[k].shape[1] - 1,
                    **{f"{risk}_{forecast}": float(ours[(risk, forecast)][0][k]) for risk, forecast in SETTINGS},
                    **{f"space_{risk}_{forecast}": float(ours[(risk, forecast, "space")][0][k])
                       for risk, forecast in SPACE},
                    "rounds": {risk: ours[(risk, "median")][1] for risk in ("security", "neutral")},
                    "settled": {risk: ours[(risk, "median")][2] for risk in ("security", "neutral")},
                })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parley", default=os.path.join(ROOT, "build", "release", "parley"))
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args()
    rows = compare(args.parley)
    head = ["case", "issue", "actors", "initial median/mean", "KTAB final median/mean", "KTAB spread",
            "KTAB rounds", "Parley security median/mean", "Parley neutral median/mean", "Parley rounds",
            "Parley in the space, security median/mean"]
    lines = []
    for r in rows:
        lines.append([r["case"], r["issue"], str(r["actors"]),
                      f'{r["initial_median"]:.1f} / {r["initial_mean"]:.1f}',
                      f'{r["ktab_median"]:.1f} / {r["ktab_mean"]:.1f}',
                      f'{r["ktab_spread"][0]:.1f}-{r["ktab_spread"][1]:.1f}', str(r["ktab_rounds"]),
                      f'{r["security_median"]:.1f} / {r["security_mean"]:.1f}',
                      f'{r["neutral_median"]:.1f} / {r["neutral_mean"]:.1f}',
                      f'{r["rounds"]["security"]} / {r["rounds"]["neutral"]}'
                      + ("" if all(r["settled"].values()) else " (unsettled)"),
                      f'{r["space_security_median"]:.1f} / {r["space_security_mean"]:.1f}'])
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(line[j]) for line in lines)) for j, h in enumerate(head)]
        print("  ".join(h.ljust(widths[j]) for j, h in enumerate(head)))
        for line in lines:
            print("  ".join(c.ljust(widths[j]) for j, c in enumerate(line)))


if __name__ == "__main__":
    main()
