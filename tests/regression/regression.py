#!/usr/bin/env python3
"""Regression suite: fixed scenarios × protocols, each run with a fixed seed and run count,
and a digest of every per-run dataset and of the summary compared with digests.json.

Two digests per dataset:
  rounded  SHA-256 of the values written with 12 significant digits (NaN and ±inf by name):
           what `check` compares, so a change of results shows while a change in the last
           bits of a float (another compiler, another instruction set) does not;
  exact    SHA-256 of the raw bytes: what `check --exact` compares, for refactors that must
           leave every dataset bit-identical.
A few headline numbers (P(agreement), mean deal terms) are stored beside them, so a change
can be read and explained in its commit.

usage: regression.py --parley BIN [--update] [--exact] [--only NAME]
  --update  rewrites digests.json from this build (commit it with the change that moved it)
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "python"))
from parley import files  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
DIGESTS = os.path.join(HERE, "digests.json")
PRECISION = 12  # significant digits of the rounded digest

# name: (scenario, runs, extra flags)
CASES = {
    "miami-mediated": ("miami-2025.toml", 400, []),
    "miami-alternating": ("miami-2025.toml", 60, ["--set", 'protocol.kind="alternating"']),
    "miami-nash": ("miami-2025.toml", 200, ["--set", 'protocol.kind="nash"']),
    "miami-kalai": ("miami-2025.toml", 200, ["--set", 'protocol.kind="kalai"']),
    "miami-expected-utility": ("miami-2025.toml", 200, ["--set", 'protocol.kind="expected_utility"']),
    "miami-europe-veto": ("miami-2025.toml", 200, ["--set", "agents.europe.veto=true"]),
    "miami-weighted-mean": ("miami-2025.toml", 200, ["--set", 'protocol.revision="weighted_mean"']),
    "csis-mediated": ("csis-articles.toml", 100, []),
    "fearon-mediated": ("fearon-1995.toml", 100, []),
    "textbook-nash-mediated": ("textbook-nash.toml", 100, []),
}
SEED = 4242


def rounded_text(a):
    if a.dtype.kind == "f":
        return "\n".join("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v)
                         else f"{v:.{PRECISION}g}" for v in a.ravel().tolist())
    if a.dtype == object or a.dtype.kind in "SU":
        return "\n".join(v.decode() if isinstance(v, bytes) else str(v) for v in a.ravel().tolist())
    return "\n".join(str(v) for v in a.ravel().tolist())


def digest_file(path):
    out = {}
    with files.open_file(path) as f:
        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset) or not (name.startswith("runs/") or name.startswith("summary/")):
                return
            a = obj[()]
            a = np.asarray(a)
            raw = a.tobytes() if a.dtype != object else rounded_text(a).encode()
            # "shape rounded-digest exact-digest", one string per dataset.
            out[name] = " ".join([
                "x".join(str(n) for n in a.shape) or "scalar",
                hashlib.sha256((str(a.shape) + rounded_text(a)).encode()).hexdigest()[:16],
                hashlib.sha256(str(a.dtype).encode() + str(a.shape).encode() + raw).hexdigest()[:16],
            ])
        f.visititems(visit)
        agreed = f["runs/agreement"][()] == 1
        deal = f["runs/deal"][()][agreed]
        issues = [x.decode() if isinstance(x, bytes) else str(x) for x in f["runs/issue"][()]]
        headline = {"p_agreement": round(float(agreed.mean()), 6)}
        for j, issue in enumerate(issues):
            headline[f"mean deal {issue}"] = round(float(deal[:, j].mean()), 6) if len(deal) else None
    return {"datasets": out, "headline": headline}


def run_case(parley, name, folder):
    scenario, runs, flags = CASES[name]
    out = os.path.join(folder, name + ".h5")
    cmd = [parley, "run", os.path.join(SRC, "scenarios", scenario), "-n", str(runs), "--seed", str(SEED),
           "--threads", "2", "-o", out, "--force", "-q", *flags]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return digest_file(out)


def compare(name, want, got, exact):
    """Lines describing what differs between two digests of one case."""
    fields = 3 if exact else 2  # shape and rounded digest, or all three
    lines = []
    names = sorted(set(want["datasets"]) | set(got["datasets"]))
    for n in names:
        a, b = want["datasets"].get(n), got["datasets"].get(n)
        if a is None or b is None:
            lines.append(f"  {n}: {'new' if a is None else 'gone'}")
        elif a.split()[:fields] != b.split()[:fields]:
            lines.append(f"  {n}: changed")
    if lines:
        for k, v in want["headline"].items():
            g = got["headline"].get(k)
            if g != v:
                lines.append(f"  {k}: {v} -> {g}")
    return [f"{name}:"] + lines if lines else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parley", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--exact", action="store_true", help="compare raw bytes, not 12 significant digits")
    ap.add_argument("--only", action="append", help="run only these cases")
    args = ap.parse_args()
    names = args.only or list(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        got = {name: run_case(args.parley, name, tmp) for name in names}
    if args.update:
        stored = {}
        if os.path.exists(DIGESTS):
            with open(DIGESTS, encoding="utf-8") as f:
                stored = json.load(f)
        stored.update(got)
        stored = {k: stored[k] for k in CASES if k in stored}
        with open(DIGESTS, "w", encoding="utf-8") as f:
            # One line per dataset, so that a diff shows which datasets a change moved.
            f.write("{\n")
            for c, (case, entry) in enumerate(stored.items()):
                f.write(f' {json.dumps(case)}: {{\n  "headline": {json.dumps(entry["headline"])},\n'
                        '  "datasets": {\n')
                items = sorted(entry["datasets"].items())
                for d, (name, value) in enumerate(items):
                    f.write(f"   {json.dumps(name)}: {json.dumps(value)}{',' if d + 1 < len(items) else ''}\n")
                f.write(f"  }}\n }}{',' if c + 1 < len(stored) else ''}\n")
            f.write("}\n")
        print(f"regression: {len(got)} cases written to {DIGESTS}")
        return 0
    with open(DIGESTS, encoding="utf-8") as f:
        stored = json.load(f)
    report = []
    for name in names:
        if name not in stored:
            report.append(f"{name}: no stored digests (run with --update)")
            continue
        report += compare(name, stored[name], got[name], args.exact)
    failed = sum(1 for line in report if not line.startswith("  "))
    print("\n".join(report))
    print(f"regression ({'exact bytes' if args.exact else f'{PRECISION} significant digits'}): "
          f"{len(names) - failed} passed, {failed} failed")
    if failed:
        print("If the change of results is intended, explain it in the commit and run "
              "tests/regression/regression.py --parley BIN --update", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
