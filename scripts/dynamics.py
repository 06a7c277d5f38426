#!/usr/bin/env python3
"""Does the war move the talks? The measurements issue 14 asks of the default scenario.

usage: scripts/dynamics.py [--parley BIN] [--scenario FILE] [--runs N] [--sobol N]

Runs the scenario (and variants of it with --set) with the same seed and prints each
measurement against its target:
  1. how much of the outcome the initial red-line overlap predicts (agreement exactly when the
     veto players' sampled red lines intersect on every issue);
  2. sampled parameters other than the two ends of the territorial red lines with
     |Spearman's rho| >= 0.1 with agreement (summary/spearman);
  3. factors of `parley sobol` with a total index >= 0.05;
  4. a front line trending toward Russia moves the deal's territory toward Russia's position;
  5. pressure on Ukraine (its war cost doubled; an aid cut after its second rejection) raises
     P(agreement) and moves terms against it;
  6. the share of deals after round 6;
  7. the principal obstacles, most frequent first (guarantees second is the target);
  8. the stylised facts kept: few deals in rounds 1-2, territory the principal obstacle.
Needs h5py and numpy (src/python/parley/files.py reads the files).
"""
import os
import subprocess
import sys
import tempfile
import tomllib


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src", "python"))
from parley import files  # noqa: E402
from measurements import np, Report, arguments, drift_overrides  # noqa: E402


def run(parley, scenario, runs, out, *overrides):
    cmd = [parley, "run", scenario, "-n", str(runs), "-o", out, "--force", "-q"]
    for o in overrides:
        cmd += ["--set", o]
    subprocess.run(cmd, check=True)
    with files.open_file(out, allowed=(files.RUNS,)) as f:
        runs_group = f["runs"]
        data = {name: runs_group[name][()] for name in runs_group if name not in ("agent_name",)}
        data["issues"] = [files.text(s) for s in runs_group["issue"][()]]
        data["agents"] = [files.text(s) for s in runs_group["agent"][()]]
        summary = f["summary"]
        data["spearman"] = summary["spearman"][()]
        data["parameter"] = [files.text(s) for s in summary["parameter"][()]]
        data["target"] = [files.text(s) for s in summary["target"][()]]
        data["obstacle_share"] = summary["obstacle_share"][()]
        data["scenario"] = tomllib.loads(files.header(out)["scenario_toml"])
    return data


def higher_mean(a, b):
    """Whether mean(a) exceeds mean(b) by more than two standard errors of the difference."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    se = np.sqrt(a.var() / max(len(a), 1) + b.var() / max(len(b), 1))
    return a.mean() - b.mean() > 2 * se


def more_often(a, b):
    """Whether event a (per run) happens more often than b on the same runs (common random
    numbers): McNemar's sign, runs only a has minus runs only b beyond two standard errors."""
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(b & ~a))
    return only_a - only_b > 2 * np.sqrt(only_a + only_b) if only_a + only_b else False


def red_lines(data):
    """Per run, whether the veto players' red lines (sampled or fixed) intersect on every issue."""
    scenario = data["scenario"]
    n = len(data["agreement"])
    ok = np.ones(n, dtype=bool)
    for k, issue in enumerate(data["issues"]):
        lo = np.full(n, -np.inf)
        hi = np.full(n, np.inf)
        for agent in data["agents"]:
            a = scenario["agents"][agent]
            veto = a.get("veto", a.get("role", "party") == "party")
            line = a.get("red_lines", {}).get(issue)
            if not veto or line is None:
                continue
            for end, bound in (("lo", lo), ("hi", hi)):
                key = f"agents.{agent}.red_lines.{issue}.{end}"
                value = data[key] if key in data else np.full(n, float(line[0 if end == "lo" else 1]))
                if end == "lo":
                    np.maximum(bound, value, out=bound)
                else:
                    np.minimum(bound, value, out=bound)
        ok &= lo <= hi
    return ok


def main():
    args = arguments(__doc__.splitlines()[0], sobol=(int, 1000, "base samples of parley sobol"))
    report = Report()

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.h5")
        base = run(args.parley, args.scenario, args.runs, out)
        agreed = base["agreement"] == 1
        predicted = red_lines(base)
        share = float(np.mean(predicted == agreed))
        report("outcomes the initial red-line overlap predicts", f"{share:.1%}", "<= 85%", share <= 0.85)

        rho = base["spearman"][:, base["target"].index("agreement")]
        others = [(p, r) for p, r in zip(base["parameter"], rho)
                  if not p.endswith("red_lines.territory.lo") and not p.endswith("red_lines.territory.hi")
                  and np.isfinite(r) and abs(r) >= 0.1]
        report("other parameters with |rho| >= 0.1 with agreement", f"{len(others)}", ">= 4", len(others) >= 4)

        sobol = os.path.join(tmp, "sobol.h5")
        subprocess.run([args.parley, "sobol", args.scenario, "-n", str(args.sobol), "-o", sobol, "--force", "-q",
                        "--bootstrap", "100"], check=True)
        with files.open_file(sobol) as f:
            total = f["sobol/total"][()]
        big = int(np.sum(total >= 0.05))
        report("parley sobol factors with a total index >= 0.05", f"{big}", ">= 5", big >= 5)

        territory = base["issues"].index("territory")
        toward = run(args.parley, args.scenario, args.runs, out, *drift_overrides(args.scenario, 0.02))
        away = run(args.parley, args.scenario, args.runs, out, *drift_overrides(args.scenario, -0.01))
        t_toward = np.nanmean(toward["deal"][toward["agreement"] == 1, territory])
        t_away = np.nanmean(away["deal"][away["agreement"] == 1, territory])
        report("deal territory, front trending to Russia vs away (drift +0.02 vs -0.01)",
               f"{t_toward:.4f} vs {t_away:.4f}", "higher toward Russia",
               higher_mean(toward["deal"][toward["agreement"] == 1, territory],
                           away["deal"][away["agreement"] == 1, territory]))

        ua = base["scenario"]["agents"]["ukraine"]["war_cost"]
        doubled = ("{uniform=[%g,%g]}" % (2 * ua["uniform"][0], 2 * ua["uniform"][1])
                   if isinstance(ua, dict) and "uniform" in ua else str(2 * float(ua)))
        pressed = run(args.parley, args.scenario, args.runs, out, f"agents.ukraine.war_cost={doubled}")
        p_base, p_pressed = float(np.mean(agreed)), float(np.mean(pressed["agreement"] == 1))
        t_base = np.nanmean(base["deal"][agreed, territory])
        t_pressed = np.nanmean(pressed["deal"][pressed["agreement"] == 1, territory])
        report("P(agreement), Ukraine's war cost doubled vs not", f"{p_pressed:.5f} vs {p_base:.5f}",
               "higher (beyond 2 s.e., paired)", more_often(pressed["agreement"] == 1, agreed))
        report("deal territory, Ukraine pressed vs not", f"{t_pressed:.4f} vs {t_base:.4f}",
               "higher (against Ukraine)",
               higher_mean(pressed["deal"][pressed["agreement"] == 1, territory], base["deal"][agreed, territory]))

        # An aid cut: Kyiv's war cost doubles after its second rejection (a shock added to the
        # scenario's own).
        with open(args.scenario, encoding="utf-8") as f:
            cut_text = f.read() + ('\n[[shocks]]\nafter_rejections = 2\nby = "ukraine"\n'
                                   'key = "agents.ukraine.war_cost"\nop = "scale"\nvalue = 2.0\n')
        cut_file = os.path.join(tmp, "aid-cut.toml")
        with open(cut_file, "w", encoding="utf-8") as f:
            f.write(cut_text)
        cut = run(args.parley, cut_file, args.runs, out)
        t_cut = np.nanmean(cut["deal"][cut["agreement"] == 1, territory])
        report("P(agreement), an aid cut to Kyiv after 2 rejections vs not",
               f"{float(np.mean(cut['agreement'] == 1)):.5f} vs {p_base:.5f}",
               "higher (beyond 2 s.e., paired)", more_often(cut["agreement"] == 1, agreed))
        report("deal territory, aid cut vs not", f"{t_cut:.4f} vs {t_base:.4f}", "higher (against Ukraine)",
               higher_mean(cut["deal"][cut["agreement"] == 1, territory], base["deal"][agreed, territory]))

        late = float(np.mean(base["round"][agreed] > 6)) if agreed.any() else 0.0
        report("deals after round 6", f"{late:.1%}", ">= 20%", late >= 0.2)
        early = float(np.mean(base["round"][agreed] <= 2)) if agreed.any() else 0.0
        report("deals in rounds 1-2 (stylised fact: few)", f"{early:.1%}", "few", early < 0.5)

        order = np.argsort(-base["obstacle_share"])
        ranked = [f"{base['issues'][k]} {base['obstacle_share'][k]:.1%}" for k in order[:3]]
        first, second = base["issues"][order[0]], base["issues"][order[1]]
        report("principal obstacles", ", ".join(ranked), "territory first, guarantees second",
               first == "territory" and second == "guarantees")

    report.print()


if __name__ == "__main__":
    main()
