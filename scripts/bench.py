#!/usr/bin/env python3
"""The measurements of scripts/bench (see there). Every figure comes from this run."""
import argparse
import json
import math
import os
import sys
import subprocess
import tempfile

import h5py


def run(parley, scenario, runs, threads, out):
    """Runs parley under /usr/bin/time; returns wall seconds, runs/s, write seconds, peak RSS (MB)."""
    cmd = ["/usr/bin/time", "-f", "%M", parley, "run", scenario, "-n", str(runs), "--threads", str(threads),
           "-o", out, "--force", "-q"]
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    rss_mb = int(r.stderr.strip().splitlines()[-1]) / 1024
    with h5py.File(out, "r") as f:
        s = f["summary"].attrs
        return float(s["wall_seconds"]), float(s["runs_per_second"]), float(s["write_seconds"]), rss_mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parley", required=True)
    ap.add_argument("--micro", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    results = {"cores": cores, "quick": args.quick}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.h5")
        n = 20000 if args.quick else 100000
        wall1, rate1, write1, _ = run(args.parley, args.scenario, n, 1, out)
        wallN, rateN, writeN, _ = run(args.parley, args.scenario, n, cores, out)
        results["rate"] = {"runs": n, "threads_1": rate1, f"threads_{cores}": rateN,
                           "efficiency": rateN / (cores * rate1), "write_share": writeN / wallN}
        sizes = [10**4, 10**5] if args.quick else [10**4, 10**5, 10**6]
        results["memory"] = {}
        for size in sizes:
            wall, rate, write, rss = run(args.parley, args.scenario, size, cores, out)
            results["memory"][str(size)] = {"peak_rss_mb": rss, "wall_s": wall, "runs_per_second": rate,
                                            "write_share": write / wall}
        # The numpy reference on the same scenario: its outcome distribution must agree with
        # Parley's within sampling error, and the speed ratio is per core (both single-threaded).
        ref_runs = 10000 if args.quick else 40000
        here = os.path.dirname(os.path.abspath(__file__))
        reference = json.loads(subprocess.run(
            [sys.executable, os.path.join(here, "reference_mediated.py"), args.scenario, "-n", str(ref_runs), "--json"],
            capture_output=True, text=True, check=True).stdout)
        _, parley_rate, _, _ = run(args.parley, args.scenario, ref_runs, 1, out)
        with h5py.File(out, "r") as f:
            agreed = f["runs/agreement"][()] == 1
            deal = f["runs/deal"][()][agreed]
            issues = [x.decode() if isinstance(x, bytes) else str(x) for x in f["runs/issue"][()]]
        p_parley, p_ref = agreed.mean(), reference["p_agreement"]
        se_p = math.sqrt(p_parley * (1 - p_parley) / ref_runs + p_ref * (1 - p_ref) / ref_runs)
        checks = {"p_agreement": (p_parley, p_ref, abs(p_parley - p_ref) / se_p)}
        for j, issue in enumerate(issues):
            se = math.sqrt(deal[:, j].var() / len(deal) + reference["deal_sd"][issue] ** 2 / reference["deals"])
            checks[f"mean deal {issue}"] = (float(deal[:, j].mean()), reference["deal_mean"][issue],
                                            abs(deal[:, j].mean() - reference["deal_mean"][issue]) / se)
        results["reference"] = {
            "runs": ref_runs, "numpy_runs_per_second": reference["runs_per_second"],
            "parley_runs_per_second_1_thread": parley_rate,
            "speed_ratio_per_core": parley_rate / reference["runs_per_second"],
            "agreement": {k: {"parley": v[0], "numpy": v[1], "standard_errors": v[2]} for k, v in checks.items()},
            "agrees_within_4_se": all(v[2] < 4 for v in checks.values()),
        }
    micro = subprocess.run([args.micro, "--benchmark_format=json", "--benchmark_min_time=0.2"],
                           capture_output=True, text=True, check=True)
    results["micro_ns"] = {b["name"]: b["real_time"] for b in json.loads(micro.stdout)["benchmarks"]}

    r = results["rate"]
    print(f"\nParley on the default scenario, {cores} cores ({n} runs per rate measurement)")
    print(f"  runs/s, 1 thread            {r['threads_1']:>12,.0f}")
    print(f"  runs/s, {cores} threads          {r[f'threads_{cores}']:>12,.0f}")
    print(f"  parallel efficiency         {r['efficiency']:>12.2f}")
    print(f"  share of wall time writing  {100 * r['write_share']:>11.1f}%")
    base = None
    for size, m in results["memory"].items():
        base = base if base is not None else m["peak_rss_mb"]
        print(f"  peak RSS, {int(size):>9,} runs   {m['peak_rss_mb']:>9.1f} MB   (+{m['peak_rss_mb'] - base:.1f} MB)"
              f"   {m['wall_s']:.2f} s")
    ref = results["reference"]
    print(f"  numpy reference, 1 core     {ref['numpy_runs_per_second']:>12,.0f} runs/s  "
          f"({ref['runs']} runs)")
    print(f"  Parley / numpy per core     {ref['speed_ratio_per_core']:>12.1f}x")
    worst = max(v["standard_errors"] for v in ref["agreement"].values())
    print(f"  outcomes agree (P(agreement), mean deal terms): "
          f"{'yes' if ref['agrees_within_4_se'] else 'NO'}, largest gap {worst:.1f} standard errors")
    print("  hot path (Google Benchmark, ns):")
    for name, ns in results["micro_ns"].items():
        print(f"    {name:<24} {ns:>12,.0f}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    print(f"  written {args.out}")


if __name__ == "__main__":
    main()
