#!/usr/bin/env python3
"""Bit-flip experiment: damages real Parley files at random bytes and runs every reader on them.

A complete runs file and a partial one (the same run with only its first runs done, as an
interrupted run leaves it) are written; each variant flips 1 to 8 random bytes of one of them,
then runs `info`, `status`, `merge` (of the complete file) and `run --resume` (of the partial
file). Each invocation is classed:

  refused   exit 1 or 2 with a message (and no output file)
  crashed   a signal, a sanitizer report, or "internal error"
  hung      no exit within --timeout seconds
  correct   exit 0 with the undamaged result: `info` printed what it prints for the undamaged
            file; `merge` and `--resume` wrote datasets bit-identical to the uninterrupted run
  wrong     exit 0 with another result: a silent wrong result
(`status` only reports, so exit 0, 1 or 2 with a message is classed correct or refused.)

The goal: no crashed, no hung, no wrong. Exits 1 if any is found, printing the variants.

usage: tests/fuzz/bitflip.py --parley BIN [--variants N] [--seed S] [--runs R] [--keep DIR]
       tests/fuzz/bitflip.py --parley BIN --write-seeds DIR
  (--write-seeds: small real files of every kind, the file fuzzer's seeds: a run with traces, a
  shard, a partial, a sweep, a Sobol file, a posterior file and a run drawn from it)

A third of the variants damage a posterior file of `parley calibrate`, read by `info` and by
`run --posterior` (correct: the runs bit-identical to those drawn from the undamaged file).
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import h5py  # noqa: E402
from h5files import datasets, differing, reseal  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIO = os.path.join(ROOT, "scenarios", "miami-2025.toml")
OBSERVED = os.path.join(ROOT, "scenarios", "observations", "miami-2025.toml")


def run(args, timeout):
    try:
        r = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return r


def crashed(r):
    return (r.returncode < 0 or r.returncode >= 128 or "Sanitizer" in r.stderr
            or "internal error" in r.stderr or "runtime error:" in r.stderr)


def make_partial(complete, partial, done):
    """The complete file as an interrupted run leaves it: the first `done` runs finished."""
    shutil.copy(complete, partial)
    with h5py.File(partial, "r+") as f:
        if "summary" in f:
            del f["summary"]
        f.attrs["complete"] = 0
        f.attrs["runs_done"] = done
        flags = f["runs/done"][()]
        flags[done:] = 0
        f["runs/done"][...] = flags
        reseal(f)


def write_seeds(parley, folder):
    # A small scenario keeps each execution fast; the default one (its sampled parameters a
    # dataset each) gives a shard.
    small = os.path.join(ROOT, "scenarios", "fearon-1995.toml")
    os.makedirs(folder, exist_ok=True)
    at = lambda name: os.path.join(folder, name)  # noqa: E731
    for args in (["run", small, "-n", "8", "--trace", "1", "-o", at("run.h5")],
                 ["run", SCENARIO, "-n", "2", "--shard", "2/2", "-o", at("default-shard.h5")],
                 ["run", small, "-n", "8", "--shard", "1/2", "-o", at("shard.h5")],
                 ["sweep", small, "--vary", "protocol.max_rounds=2:4:2", "-n", "2", "-o", at("sweep.h5")],
                 ["sobol", SCENARIO, "-n", "10", "--bootstrap", "10", "-o", at("sobol.h5")],
                 ["calibrate", SCENARIO, "--observed", OBSERVED, "--particles", "10",
                  "--generations", "2", "-o", at("posterior.h5")]):
        subprocess.run([parley, *args, "-q", "--force"], check=True)
    subprocess.run([parley, "run", SCENARIO, "--posterior", at("posterior.h5"), "-n", "3", "-o",
                    at("posterior-runs.h5"), "-q", "--force"], check=True)
    make_partial(at("run.h5"), at("run.h5.partial"), 3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parley", required=True)
    ap.add_argument("--variants", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--keep", help="a folder for the variants that were not refused or correct")
    ap.add_argument("--write-seeds", metavar="DIR")
    a = ap.parse_args()
    if a.write_seeds:
        write_seeds(a.parley, a.write_seeds)
        return
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="parley-bitflip-")
    counts = {}
    findings = []
    try:
        complete = os.path.join(tmp, "complete.h5")
        r = subprocess.run([a.parley, "run", SCENARIO, "-n", str(a.runs), "-o", complete, "-q"])
        if r.returncode != 0:
            sys.exit("bitflip: the reference run failed")
        reference = datasets(complete)
        partial_clean = os.path.join(tmp, "clean.h5.partial")
        make_partial(complete, partial_clean, a.runs // 3)
        posterior = os.path.join(tmp, "posterior.h5")
        r = subprocess.run([a.parley, "calibrate", SCENARIO, "--observed", OBSERVED, "--particles", "40",
                            "--generations", "2", "-o", posterior, "-q"])
        drawn = os.path.join(tmp, "drawn.h5")
        r2 = subprocess.run([a.parley, "run", SCENARIO, "--posterior", posterior, "-n", "50", "-o", drawn, "-q"])
        if r.returncode != 0 or r2.returncode != 0:
            sys.exit("bitflip: the reference calibration failed")
        drawn_reference = datasets(drawn)
        info_of = {}
        for path in (complete, partial_clean, posterior):
            info_of[path] = subprocess.run([a.parley, "info", path, "--no-scenario"],
                                           capture_output=True, text=True).stdout
        for v in range(a.variants):
            source = (complete, partial_clean, posterior)[v % 3]
            data = bytearray(open(source, "rb").read())
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= rng.randint(1, 255)
            name = "v%04d.h5" % v + (".partial" if source == partial_clean else "")
            damaged = os.path.join(tmp, name)
            open(damaged, "wb").write(data)
            out = os.path.join(tmp, "out.h5")
            checks = [("info", [a.parley, "info", damaged, "--no-scenario"]),
                      ("status", [a.parley, "status", damaged])]
            if source == posterior:
                checks = [checks[0], ("posterior", [a.parley, "run", SCENARIO, "--posterior", damaged,
                                                    "-n", "50", "-o", out, "-q"])]
            elif source == complete:
                checks.append(("merge", [a.parley, "merge", out, damaged, "-q"]))
            else:
                checks.append(("resume", [a.parley, "run", "--resume", damaged, "-o", out, "-q"]))
            for command, args in checks:
                if os.path.exists(out):
                    os.remove(out)
                r = run(args, a.timeout)
                if r is None:
                    verdict = "hung"
                elif crashed(r):
                    verdict = "crashed"
                elif r.returncode != 0:
                    verdict = "refused" if r.stderr.strip() or command == "status" else "crashed"
                    if command in ("merge", "resume", "posterior") and os.path.exists(out):
                        verdict = "wrong"  # refused, yet an output was left
                elif command == "info":
                    verdict = "correct" if r.stdout.replace(damaged, source) == info_of[source] else "wrong"
                elif command == "status":
                    verdict = "correct"
                else:
                    want = drawn_reference if command == "posterior" else reference
                    try:
                        verdict = "wrong" if differing(want, datasets(out)) else "correct"
                    except Exception:  # noqa: BLE001 - an unreadable output is a wrong result
                        verdict = "wrong"
                counts[(command, verdict)] = counts.get((command, verdict), 0) + 1
                if verdict in ("crashed", "hung", "wrong"):
                    findings.append((name, command, verdict, "" if r is None else r.stderr[-400:]))
                    if a.keep:
                        os.makedirs(a.keep, exist_ok=True)
                        shutil.copy(damaged, os.path.join(a.keep, name))
            if os.path.exists(damaged):
                os.remove(damaged)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    commands = ("info", "status", "merge", "resume", "posterior")
    verdicts = ("refused", "correct", "crashed", "hung", "wrong")
    print(f"bit-flip experiment: {a.variants} variants (1-8 random bytes each) of a complete "
          f"and a partial file of {a.runs} runs and of a posterior file, seed {a.seed}")
    print("  %-8s" % "" + "".join("%9s" % v for v in verdicts))
    for c in commands:
        print("  %-8s" % c + "".join("%9d" % counts.get((c, v), 0) for v in verdicts))
    for name, command, verdict, err in findings:
        print(f"  {verdict}: {command} {name}: {err.strip()[-300:]}")
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
