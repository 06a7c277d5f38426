#!/usr/bin/env python3
"""The measurements of scripts/bench (see there). Every figure comes from this run."""
import argparse
import json
import math
import os
import sys
import subprocess
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "python"))
from parley import files  # noqa: E402
from measurements import DRAWN, markdown_table as table, write_generated  # noqa: E402


def run(parley, scenario, runs, threads, out, overrides=()):
    """Runs parley under /usr/bin/time; returns wall seconds, runs/s, write seconds, peak RSS (MB)."""
    cmd = ["/usr/bin/time", "-f", "%M", parley, "run", scenario, "-n", str(runs), "--threads", str(threads),
           "-o", out, "--force", "-q"]
    for o in overrides:
        cmd += ["--set", o]
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    rss_mb = int(r.stderr.strip().splitlines()[-1]) / 1024
    with files.open_file(out, allowed=(files.RUNS,)) as f:
        s = f["summary"].attrs
        return float(s["wall_seconds"]), float(s["runs_per_second"]), float(s["write_seconds"]), rss_mb


def synthetic(agents, issues, rounds):
    """A scenario with `agents` agents (a mediator and parties, the first two parties with a
    veto) over `issues` issues, whose veto players' red lines exclude each other on the first
    issue: every run lasts `rounds` rounds, so the cost per run is the cost of that many rounds."""
    ids = [f"i{k}" for k in range(issues)]
    lines = ['[scenario]\nname = "scaling"\n']
    for k in ids:
        lines.append(f"[issues.{k}]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n")
    for a in range(agents):
        role = "mediator" if a == 0 else "party"
        veto = "true" if a in (1, 2) else "false"
        ideal = ", ".join(f"{k} = {{ beta = {{ mean = {0.2 + 0.6 * ((a * 7 + j * 3) % 10) / 10:.2f}, kappa = 20 }} }}"
                          for j, k in enumerate(ids))
        salience = ", ".join(f"{k} = {1 + (a + j) % 3}" for j, k in enumerate(ids))
        red = ""
        if a == 1:
            red = f"red_lines = {{ {ids[0]} = [0.0, 0.3] }}\n"
        if a == 2:
            red = f"red_lines = {{ {ids[0]} = [0.7, 1.0] }}\n"
        lines.append(f'[agents.a{a}]\nrole = "{role}"\nveto = {veto}\nwar_cost = {{ uniform = [0.02, 0.08] }}\n'
                     f"ideal = {{ {ideal} }}\nsalience = {{ {salience} }}\n{red}")
    draft = ", ".join(f"{k} = 0.5" for k in ids)
    lines.append(f"[protocol]\nmax_rounds = {rounds}\nwalkout_patience = 100000\nfirst_draft = {{ {draft} }}\n")
    lines.append('[battlefield]\nissue = "i0"\nvolatility = 0.02\n')
    return "\n".join(lines)


def scaling(parley, folder, quick):
    """Cost of a run (µs, 1 thread) against agents, issues and rounds, each varied alone."""
    base = {"agents": 4, "issues": 6, "rounds": 18}
    axes = {"agents": [4, 8, 16, 32], "issues": [6, 12, 24, 48], "rounds": [6, 12, 24, 48]}
    out = {}
    for axis, values in axes.items():
        out[axis] = []
        for v in values:
            setting = dict(base, **{axis: v})
            path = os.path.join(folder, f"scaling-{axis}-{v}.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(synthetic(setting["agents"], setting["issues"], setting["rounds"]))
            runs = 500 if quick else 2000
            _, rate, _, _ = run(parley, path, runs, 1, os.path.join(folder, "scaling.h5"))
            out[axis].append({"value": v, "microseconds_per_run": 1e6 / rate})
    for axis, points in list(out.items()):
        out[axis + "_exponent"] = exponent(points, "microseconds_per_run")
    return out


def exponent(points, key):
    """The least-squares slope of log(point[key]) on log(point["value"]): the cost's growth as a
    power of the size (None with fewer than two points)."""
    if len(points) < 2:
        return None
    x = [math.log(p["value"]) for p in points]
    y = [math.log(p[key]) for p in points]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / sum((a - mx) ** 2 for a in x)


# The default scenario with more veto players: Europe's consent needed (three), and the
# mediator's too (four). Every per-run diagnostic then solves three- and four-player problems.
VETO_VARIANTS = {
    "2 veto players (default)": [],
    "3 veto players (+ Europe)": ["agents.europe.veto=true"],
    "4 veto players (+ Europe, U.S.)": ["agents.europe.veto=true", "agents.us.veto=true"],
}


# The default scenario draws no red line, so that what the parties know of each other's costs
# nothing there: the variants below draw the territorial red lines of Moscow and Kyiv (DRAWN, the
# four keys of an earlier default; docs/findings.md).
# What the mediator knows (docs/model.md, "Private information and beliefs"): the cost of its
# beliefs against a mediator who knows the red lines.
INFORMATION_VARIANTS = {
    "complete information": [*DRAWN, 'protocol.information="complete"'],
    "prior only": [*DRAWN, 'protocol.information="prior"'],
    "learning, separate (default)": [*DRAWN, 'protocol.information="learning"', 'protocol.sessions="separate"'],
    "learning, joint table": [*DRAWN, 'protocol.information="learning"', 'protocol.sessions="joint"'],
}

# The same in alternating offers, where each proposer screens the others' private red lines.
ALTERNATING_INFORMATION_VARIANTS = {
    "alternating, complete information": [*DRAWN, 'protocol.kind="alternating"', 'protocol.information="complete"'],
    "alternating, prior only": [*DRAWN, 'protocol.kind="alternating"', 'protocol.information="prior"'],
    "alternating, learning": [*DRAWN, 'protocol.kind="alternating"', 'protocol.information="learning"'],
}


# Every protocol on the default scenario: a run's cost under each (the expected-utility model's
# challenges included; docs/model.md, "The expected-utility model").
PROTOCOL_VARIANTS = {
    "mediated (default)": [],
    "alternating": ['protocol.kind="alternating"'],
    "nash": ['protocol.kind="nash"'],
    "kalai": ['protocol.kind="kalai"'],
    "expected_utility": ['protocol.kind="expected_utility"'],
    "expected_utility, issue space": ['protocol.kind="expected_utility"', 'protocol.challenges_on="space"'],
}


def variant_cost(parley, scenario, folder, quick, variants, runs=None):
    """µs per run at 1 thread for each variant (best of two, interleaved), and the ratio to
    the first."""
    runs = runs or (4000 if quick else 20000)
    best = {}
    for _ in range(2):
        for name, overrides in variants.items():
            _, rate, _, _ = run(parley, scenario, runs, 1, os.path.join(folder, "variant.h5"), overrides)
            best[name] = max(best.get(name, 0.0), rate)
    base = 1e6 / best[next(iter(variants))]
    return {"runs": runs, "variants": {name: {"microseconds_per_run": 1e6 / rate,
                                              "ratio_to_first": (1e6 / rate) / base}
                                       for name, rate in best.items()}}


def synthetic_zone(agents, issues, kind):
    """A scenario of `agents` agents over `issues` issues under protocol KIND whose parties all
    hold a veto and whose red lines leave room for a deal: the solvers work on every round, as
    in a real negotiation (the talks end when a deal comes, or at 18 rounds)."""
    text = synthetic(agents, issues, 18)
    text = text.replace("red_lines = { i0 = [0.0, 0.3] }", "red_lines = { i0 = [0.0, 0.6] }")
    text = text.replace("red_lines = { i0 = [0.7, 1.0] }", "red_lines = { i0 = [0.4, 1.0] }")
    text = text.replace('role = "party"\nveto = false', 'role = "party"\nveto = true')
    return text.replace("[protocol]\n", f'[protocol]\nkind = "{kind}"\n')


# What every protocol and `solve` cost as the problem grows (issue: no cliffs in size).
METHODS = ("mediated", "alternating", "nash", "kalai", "solve")


def timed(parley, path, method, runs, cap, folder):
    """µs per run of METHOD on the scenario at PATH (for solve: µs of the command), or None when
    it takes longer than CAP seconds."""
    if method == "solve":
        cmd = [parley, "solve", path]
    else:
        cmd = [parley, "run", path, "-n", str(runs), "--threads", "1", "-o", os.path.join(folder, "size.h5"),
               "--force", "-q"]
    start = time.monotonic()
    try:
        subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return None
    wall = time.monotonic() - start
    if method == "solve":
        return 1e6 * wall
    with files.open_file(os.path.join(folder, "size.h5"), allowed=(files.RUNS,)) as f:
        return 1e6 / float(f["summary"].attrs["runs_per_second"])


def size_costs(parley, folder, quick):
    """The cost against size of every protocol and of `solve`, on synthetic_zone: agents alone
    (6 issues), issues alone (4 agents) and both together, each series stopped at the first size
    that takes longer than its cap. Exponents are fitted over the sizes measured; a series cut
    short is marked."""
    grid = [4, 8, 16, 32] if quick else [4, 8, 12, 16, 24, 32, 50]
    cap = 10 if quick else 60
    runs = 5 if quick else 20
    out = {"cap_seconds": cap, "runs": runs, "methods": {}}
    for method in METHODS:
        kind = "mediated" if method == "solve" else method
        series = {}
        for axis in ("agents", "issues", "square"):
            points, cut = [], None
            for n in grid:
                a, k = {"agents": (n, 6), "issues": (4, n), "square": (n, n)}[axis]
                path = os.path.join(folder, f"size-{method}-{axis}-{n}.toml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(synthetic_zone(a, k, kind))
                cost = timed(parley, path, method, runs, cap, folder)
                if cost is None:
                    cut = n
                    break
                points.append({"value": n, "microseconds": cost})
            series[axis] = {"points": points, "exponent": exponent(points, "microseconds"), "cut_at": cut}
        out["methods"][method] = series
    return out


def plot_sizes(result, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for ax, axis in zip(axes, ("agents", "issues", "square")):
        for method, series in result["methods"].items():
            pts = series[axis]["points"]
            if not pts:
                continue
            e = series[axis]["exponent"]
            label = f"{method} (n^{e:.2f})" if e is not None else method
            if series[axis]["cut_at"]:
                label += f", > {result['cap_seconds']} s at {series[axis]['cut_at']}"
            ax.loglog([p["value"] for p in pts], [p["microseconds"] for p in pts], "o-", label=label)
        ax.set_xlabel({"agents": "agents (6 issues)", "issues": "issues (4 agents)",
                       "square": "agents = issues"}[axis])
        ax.set_ylabel("µs per run, 1 thread (solve: per command)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Parley: cost against size, every protocol and solve (every party a veto player, a zone of agreement)")
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def plot_scaling(result, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, axis in zip(axes, ("agents", "issues", "rounds")):
        pts = result[axis]
        ax.loglog([p["value"] for p in pts], [p["microseconds_per_run"] for p in pts], "o-")
        ax.set_xlabel(axis)
        ax.set_ylabel("µs per run (1 thread)")
        ax.set_title(f"{axis}: cost ∝ n^{result[axis + '_exponent']:.2f}")
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle("Parley: cost of a run of the mediated protocol (others held at 4 agents, 6 issues, 18 rounds)")
    fig.tight_layout()
    fig.savefig(png, dpi=100)


# Keys of the moving model (docs/model.md, "Concession", "Shocks and triggers", "When the talks
# end", the mediated protocol's issue vetoes, "Ratification at home", "Side payments",
# "Instruments: aid, sanctions, disengagement") that the numpy reference does not implement.
DYNAMIC_KEYS = ("red_line_limits", "concession_beta", "tactics", "endurance", "expected_drift", "drift_sd",
                "aspiration", "aspiration_limit", "veto_issues", "information", "sessions",
                "collapse_hazard", "collapse_escalation", "deadline", "ratification", "side_payment",
                "aid_max", "aid_cost", "aid_start", "sanctions_max", "sanctions_cost", "sanctions_start",
                "engagement_cost")


def static_variant(scenario, folder):
    """The scenario without its moving parts (the keys above, every [[shocks]] table and the
    [battlefield.contest] table), with a
    mediator who knows the red lines and a front that stands still, which the numpy reference
    implements: the file it is written to. (The reference's BATNA is the war's value at the
    current front, Parley's the expected value of fighting on; they agree when the front does not
    move.)"""
    kept, in_shock, in_battlefield = [], False, False
    with open(scenario, encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if stripped.startswith("["):
                in_shock = stripped in ("[[shocks]]", "[battlefield.contest]")
                in_battlefield = stripped == "[battlefield]"
                if in_battlefield:
                    kept.append(line + "drift = 0.0\nvolatility = 0.0\n")
                    continue
            if in_shock or any(stripped.startswith(k + " ") or stripped.startswith(k + "=")
                               or stripped.startswith(k + ".") for k in DYNAMIC_KEYS):
                continue
            if in_battlefield and (stripped.startswith("drift") or stripped.startswith("volatility")):
                continue
            kept.append(line)
    path = os.path.join(folder, "static.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(kept)
    return path


def calibration(parley, scenario, folder):
    """`parley calibrate` of the default scenario on its observations file
    (scenarios/observations/), 1,000 particles on 2 threads to its target tolerance (0: every
    observation matched): the wall time and simulations per second, against `parley run` of as
    many runs on 2 threads."""
    observed = os.path.join(os.path.dirname(scenario), "observations", os.path.basename(scenario))
    post = os.path.join(folder, "posterior.h5")
    start = time.monotonic()
    subprocess.run([parley, "calibrate", scenario, "--observed", observed, "--particles", "1000",
                    "--threads", "2", "-o", post, "--force", "-q"], check=True)
    wall = time.monotonic() - start
    with files.open_file(post, allowed=(files.POSTERIOR,)) as f:
        simulations = int(f["posterior/simulations"][()].sum())
        generations = int(f.attrs["generations"])
        tolerance = float(f["posterior/tolerance"][-1])
        stopped = files.text(f.attrs["stopped"])
    _, run_rate, _, _ = run(parley, scenario, simulations, 2, os.path.join(folder, "same.h5"))
    return {"particles": 1000, "threads": 2, "wall_s": wall, "simulations": simulations,
            "simulations_per_second": simulations / wall, "generations": generations,
            "tolerance": tolerance, "stopped": stopped, "run_runs_per_second_2_threads": run_rate,
            "ratio_to_run": simulations / wall / run_rate}


def sobol_throughput(parley, scenario, folder, quick, threads):
    """`parley sobol` of the default scenario on every core: negotiations per second, against
    `parley run`'s runs per second on as many threads."""
    n = 300 if quick else 2000
    out = os.path.join(folder, "sobol.h5")
    start = time.monotonic()
    subprocess.run([parley, "sobol", scenario, "-n", str(n), "--bootstrap", "100", "--threads", str(threads),
                    "-o", out, "--force", "-q"], check=True)
    wall = time.monotonic() - start
    with files.open_file(out, allowed=(files.SOBOL,)) as f:
        factors = len(f["sobol/factor"][()])
    negotiations = n * (factors + 2)
    return {"samples": n, "factors": factors, "negotiations": negotiations, "wall_s": wall, "threads": threads,
            "negotiations_per_second": negotiations / wall}


def mpi_efficiency(mpi_parley, scenario, folder, quick):
    """Parallel efficiency of `mpirun -n 2` (one thread a rank) against one process on one thread,
    for `sobol` and `calibrate` of the default scenario: T(1) / (2 T(2)), best of two each. None
    without an MPI build (build/mpi/parley, as scripts/test makes it) or mpirun."""
    import shutil
    mpirun = shutil.which("mpirun")
    if not (mpi_parley and os.path.exists(mpi_parley) and mpirun):
        return None
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    observed = os.path.join(os.path.dirname(scenario), "observations", os.path.basename(scenario))
    studies = {
        "sobol": ["sobol", scenario, "-n", "200" if quick else "1000", "--bootstrap", "50"],
        "calibrate": ["calibrate", scenario, "--observed", observed, "--particles", "400" if quick else "2000",
                      "--generations", "3"],
    }
    out = {}
    for name, args in studies.items():
        best = {}
        for _ in range(2):
            for ranks in (1, 2):
                cmd = ([mpirun, "-n", "2"] if ranks == 2 else []) + [mpi_parley, *args, "--threads", "1", "-o",
                                                                    os.path.join(folder, "mpi.h5"), "--force", "-q"]
                start = time.monotonic()
                subprocess.run(cmd, check=True, env=env, capture_output=True)
                best[ranks] = min(best.get(ranks, float("inf")), time.monotonic() - start)
        out[name] = {"seconds_1_rank": best[1], "seconds_2_ranks": best[2],
                     "efficiency_2_ranks": best[1] / (2 * best[2])}
    return out


PERFORMANCE_DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "performance.md")


def machine():
    """The machine in words: CPU model, cores, memory, from /proc."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
        memory = f", {kib / 1024 ** 2:.0f} GiB"
    except OSError:
        memory = ""
    return f"{model}, {os.cpu_count()} cores{memory}"


def performance_block(results, when, where):
    """docs/performance.md's figures from one run of scripts/bench (RESULTS, as in
    results/bench.json), in markdown."""
    cores = results["cores"]
    r = results["rate"]
    out = [f"The last run of `scripts/bench{' --quick' if results['quick'] else ''}"
           f"{' --scaling' if 'scaling' in results else ''}`: {when}, on {where}. Every figure below comes "
           "from it; times are of a machine that may be shared, ratios are within the run.", ""]
    rows = [(f"runs/s at 1 / {cores} threads ({r['runs']:,} runs)", f"{r['threads_1']:,.0f} / {r[f'threads_{cores}']:,.0f}"),
            (f"parallel efficiency at {cores} threads", f"{r['efficiency']:.2f}"),
            ("share of wall time writing HDF5", f"{100 * r['write_share']:.1f}%")]
    sizes = sorted(results["memory"], key=int)
    rows.append(("peak RSS at " + " / ".join(f"{int(k):,}" for k in sizes) + " runs",
                 " / ".join(f"{results['memory'][k]['peak_rss_mb']:.1f}" for k in sizes) + " MB"))
    rows += [(f"{int(k):,} runs at {cores} threads", f"{results['memory'][k]['wall_s']:.1f} s") for k in sizes[-1:]]
    ref = results["reference"]
    worst = max(v["standard_errors"] for v in ref["agreement"].values())
    rows += [(f"static variant (no moving parts), 1 thread ({ref['runs']:,} runs)",
              f"{ref['parley_runs_per_second_1_thread']:,.0f} runs/s"),
             ("numpy reference on it, 1 core", f"{ref['numpy_runs_per_second']:,.0f} runs/s"),
             ("Parley / numpy per core", f"{ref['speed_ratio_per_core']:.1f}×"),
             ("outcomes against the reference", f"P(agreement) and every mean deal term within {worst:.1f} standard errors")]
    c = results["calibration"]
    rows.append((f"calibration ({c['particles']:,} particles, {c['threads']} threads, {c['generations']} generations)",
                 f"{c['simulations']:,} simulations in {c['wall_s']:.2f} s, {c['simulations_per_second']:,.0f}/s "
                 f"({c['ratio_to_run']:.2f}× `parley run`'s rate)"))
    if "sobol" in results:
        so = results["sobol"]
        rows.append((f"Sobol indices (N = {so['samples']:,}, {so['factors']} factors, {so['threads']} threads)",
                     f"{so['negotiations']:,} negotiations in {so['wall_s']:.2f} s, {so['negotiations_per_second']:,.0f}/s"))
    for name, m in (results.get("mpi") or {}).items():
        rows.append((f"`{name}` under `mpirun -n 2`, a thread a rank", f"{m['seconds_2_ranks']:.2f} s against "
                     f"{m['seconds_1_rank']:.2f} s in one process: efficiency {m['efficiency_2_ranks']:.2f}"))
    if not results.get("mpi"):
        rows.append(("MPI efficiency", "not measured (no MPI build: `cmake --preset mpi && cmake --build --preset mpi`)"))
    micro = results["micro_ns"]
    rows.append(("hot path (Google Benchmark)", ", ".join(f"{k.removeprefix('BM_')} {v:,.0f} ns" for k, v in micro.items())))
    out += [table(("measure (default scenario unless said)", "value"), rows), ""]
    for key, title, unit in (("veto", "More veto players", "the default"),
                             ("protocols", "Every protocol on the default scenario", "the mediated protocol"),
                             ("information", "The mediator's beliefs, the red lines drawn", "complete information"),
                             ("alternating_information", "The proposers' beliefs in alternating offers, the red lines drawn",
                              "complete information")):
        v = results[key]
        out += [f"{title} (1 thread, {v['runs']:,} runs, best of two):", "",
                table(("variant", "µs per run", f"× {unit}"),
                      [(name, f"{x['microseconds_per_run']:,.0f}", f"{x['ratio_to_first']:.2f}") for name, x in v["variants"].items()]), ""]
    if "scaling" in results:
        sc = results["scaling"]
        rows = [(axis, ", ".join(f"{p['value']}: {p['microseconds_per_run']:,.0f}" for p in sc[axis]),
                 f"{sc[axis + '_exponent']:.2f}") for axis in ("agents", "issues", "rounds")]
        out += ["The cost of a run against each size alone, from 4 agents, 6 issues and 18 rounds, the veto "
                "players' red lines excluding each other (µs per run, 1 thread; `results/scaling.png`):", "",
                table(("size", "µs per run", "exponent"), rows), ""]
    if "sizes" in results:
        sz = results["sizes"]
        rows = []
        for method, series in sz["methods"].items():
            for axis, v in series.items():
                pts = ", ".join(f"{p['value']}: {p['microseconds']:,.0f}" for p in v["points"])
                cut = f"; over {sz['cap_seconds']} s at {v['cut_at']}" if v["cut_at"] else ""
                e = "" if v["exponent"] is None else f"{v['exponent']:.2f}"
                rows.append((method, axis, pts + cut, e))
        out += [f"Every protocol and `solve` with every party a veto player and room for a deal, µs per run "
                f"(`solve`: per command), {sz['runs']} runs a point, a series stopped at its first size over "
                f"{sz['cap_seconds']} s (`results/sizes.png`):", "",
                table(("protocol", "size", "µs at each size", "exponent"), rows), ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parley", required=True)
    ap.add_argument("--micro", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scaling", action="store_true", help="measure and plot the cost against size")
    ap.add_argument("--mpi-parley", default=None, help="the MPI build, for the efficiency of sobol and calibrate")
    ap.add_argument("--no-docs", action="store_true", help="leave docs/performance.md as it is")
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
        # The numpy reference on the scenario without its moving parts (concession, shocks, issue
        # vetoes, which it does not implement): its outcome distribution must agree with Parley's
        # within sampling error, and the speed ratio is per core (both single-threaded).
        ref_runs = 10000 if args.quick else 40000
        here = os.path.dirname(os.path.abspath(__file__))
        static = static_variant(args.scenario, tmp)
        reference = json.loads(subprocess.run(
            [sys.executable, os.path.join(here, "reference_mediated.py"), static, "-n", str(ref_runs), "--json"],
            capture_output=True, text=True, check=True).stdout)
        _, parley_rate, _, _ = run(args.parley, static, ref_runs, 1, out)
        with files.open_file(out, allowed=(files.RUNS,)) as f:
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
        results["veto"] = variant_cost(args.parley, args.scenario, tmp, args.quick, VETO_VARIANTS)
        results["protocols"] = variant_cost(args.parley, args.scenario, tmp, args.quick, PROTOCOL_VARIANTS,
                                            runs=1000 if args.quick else 4000)
        results["information"] = variant_cost(args.parley, args.scenario, tmp, args.quick,
                                              INFORMATION_VARIANTS)
        results["alternating_information"] = variant_cost(
            args.parley, args.scenario, tmp, args.quick, ALTERNATING_INFORMATION_VARIANTS,
            runs=400 if args.quick else 2000)
        results["calibration"] = calibration(args.parley, args.scenario, tmp)
        results["sobol"] = sobol_throughput(args.parley, args.scenario, tmp, args.quick, cores)
        results["mpi"] = mpi_efficiency(args.mpi_parley, args.scenario, tmp, args.quick)
        if args.scaling:
            results["scaling"] = scaling(args.parley, tmp, args.quick)
            png = os.path.join(os.path.dirname(args.out), "scaling.png")
            os.makedirs(os.path.dirname(args.out), exist_ok=True)
            plot_scaling(results["scaling"], png)
            results["sizes"] = size_costs(args.parley, tmp, args.quick)
            plot_sizes(results["sizes"], os.path.join(os.path.dirname(args.out), "sizes.png"))
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
    print(f"  cost of a run with more veto players (1 thread, {results['veto']['runs']} runs, best of two):")
    for name, v in results["veto"]["variants"].items():
        print(f"    {name:<32} {v['microseconds_per_run']:>8.1f} µs   {v['ratio_to_first']:.2f}x the default")
    print(f"  cost of a run under each protocol (1 thread, {results['protocols']['runs']} runs, best of two):")
    for name, v in results["protocols"]["variants"].items():
        print(f"    {name:<32} {v['microseconds_per_run']:>8.1f} µs   {v['ratio_to_first']:.2f}x the mediated protocol")
    info = results["information"]
    print(f"  cost of the mediator's beliefs, the red lines drawn (1 thread, {info['runs']} runs, best of two):")
    for name, v in info["variants"].items():
        print(f"    {name:<32} {v['microseconds_per_run']:>8.1f} µs   {v['ratio_to_first']:.2f}x complete information")
    worst = max(v["ratio_to_first"] for v in info["variants"].values())
    print(f"  learning within 3x the cost of complete information: {'yes' if worst <= 3 else 'NO'} ({worst:.2f}x)")
    alt = results["alternating_information"]
    print(f"  cost of the proposers' beliefs in alternating offers, the red lines drawn (1 thread, {alt['runs']} runs, "
          "best of two):")
    for name, v in alt["variants"].items():
        print(f"    {name:<36} {v['microseconds_per_run']:>8.1f} µs   {v['ratio_to_first']:.2f}x complete information")
    c = results["calibration"]
    print(f"  calibration of the default scenario on its observations ({c['particles']} particles, "
          f"{c['threads']} threads): {c['wall_s']:.2f} s, {c['generations']} generations to tolerance "
          f"{c['tolerance']:g} ({c['stopped']})")
    print(f"    {c['simulations']:,} simulations, {c['simulations_per_second']:,.0f}/s "
          f"({c['ratio_to_run']:.2f}x the rate of parley run on 2 threads)")
    if results["mpi"]:
        for name, m in results["mpi"].items():
            print(f"  {name} under mpirun -n 2 (a thread a rank): {m['seconds_2_ranks']:.2f} s against "
                  f"{m['seconds_1_rank']:.2f} s in one process, efficiency {m['efficiency_2_ranks']:.2f}")
    else:
        print("  MPI efficiency: no MPI build (cmake --preset mpi && cmake --build --preset mpi)")
    print("  hot path (Google Benchmark, ns):")
    for name, ns in results["micro_ns"].items():
        print(f"    {name:<24} {ns:>12,.0f}")
    if "scaling" in results:
        print("  cost of a run (µs, 1 thread), each size varied alone from 4 agents, 6 issues, 18 rounds:")
        for axis in ("agents", "issues", "rounds"):
            pts = ", ".join(f"{p['value']}: {p['microseconds_per_run']:.0f}" for p in results["scaling"][axis])
            print(f"    {axis:<7} {pts}   (exponent {results['scaling'][axis + '_exponent']:.2f})")
        print(f"  plot {os.path.join(os.path.dirname(args.out), 'scaling.png')}")
        sz = results["sizes"]
        print(f"  cost against size, every party a veto player (µs per run, 1 thread, {sz['runs']} runs; solve: "
              f"µs per command; a series stops at the first size over {sz['cap_seconds']} s):")
        for method, series in sz["methods"].items():
            for axis, v in series.items():
                pts = ", ".join(f"{p['value']}: {p['microseconds']:.0f}" for p in v["points"])
                e = "-" if v["exponent"] is None else f"{v['exponent']:.2f}"
                cut = f"; over {sz['cap_seconds']} s at {v['cut_at']}" if v["cut_at"] else ""
                print(f"    {method:<11} {axis:<7} {pts}   (exponent {e}{cut})")
        print(f"  plot {os.path.join(os.path.dirname(args.out), 'sizes.png')}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    print(f"  written {args.out}")
    if not args.no_docs:
        write_generated(PERFORMANCE_DOC, "bench", performance_block(results, time.strftime("%-d %B %Y"), machine()))
        print("  written docs/performance.md (its generated part)")


if __name__ == "__main__":
    main()
