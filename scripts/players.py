#!/usr/bin/env python3
"""Players and their constituencies: the measurements issue 33 asks of the default scenario.

usage: scripts/players.py [--parley BIN] [--scenario FILE] [--runs N] [--seed S]

Runs the scenario and variants of it (--set) on the same seed, so every comparison is paired over
the same runs (common random numbers), and prints each measurement against its target.

Ratification at home (docs/model.md, "Ratification at home"): Kyiv's constituency gets a support
curve on the territory, from KIIS polling (Nov 26 - Dec 13, 2025 and late January 2026, stated
judgement): 72% would accept a freeze on the current line with guarantees (territory 0.4), about
40% giving up the rest of Donbas for guarantees (0.6; 9% "easily", 31% "a difficult
compromise"), so logit P = 3.64 - 6.75 x. A tighter win-set lowers the intercept by one logit.
  1. the deal's territory and P(agreement) with that constituency against none, and with the tighter
     one against it (paired differences with their standard errors);
  2. the share of signed texts refused at home, and the mean chance a deal passed;
  3. the same with protocol.refusal = "end": the share of runs whose talks a refusal ended;
  4. the cost of a run with the constituency against none (runs per second, in this one run);
  5. no rule in a few inputs under the constituency: the accuracy of the best depth-2 tree on the
     sampled parameters (war_termination.depth2_tree) and the largest |Spearman rho| with
     agreement; and P(agreement by round 12) with max_rounds 18 and 36 (the horizon must not move
     it).

Side payments (docs/model.md, "Side payments"): the U.S. may attach up to 0.1 units to its text,
each costing it 1 in utility and worth 1 to Moscow or Kyiv (an illustration, not the default):
  6. P(agreement) and the deal's territory against none (paired), the mean payment to each in the
     deals and its distribution across runs (the leverage the U.S. chooses), and how a larger U.S. stake (0.5 -> 2, which weighs what a payment costs it) changes
     P(agreement) with payments.
Needs h5py and numpy (src/python/parley/files.py reads the files).
"""
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src", "python"))
from parley import files  # noqa: E402
from measurements import Report, arguments, paired, parley_run  # noqa: E402
from war_termination import depth2_tree  # noqa: E402

# Kyiv's support curve from the KIIS polls above: logit(0.72) at 0.4, logit(0.40) at 0.6.
SLOPE = (np.log(0.40 / 0.60) - np.log(0.72 / 0.28)) / 0.2
INTERCEPT = np.log(0.72 / 0.28) - SLOPE * 0.4


def constituency(intercept):
    return f"agents.ukraine.ratification={{intercept={intercept:.4f},slope={{territory={SLOPE:.4f}}}}}"


def run(parley, scenario, runs, seed, out, *overrides):
    parley_run(parley, scenario, runs, seed, out, overrides)
    with files.open_file(out, allowed=(files.RUNS,)) as f:
        r = f["runs"]
        issues = [files.text(s) for s in r["issue"][()]]
        agents = [files.text(a) for a in r["agent"][()]]
        summary = f["summary"]
        targets = [files.text(t) for t in summary["target"][()]]
        parameters = [files.text(s) for s in summary["parameter"][()]]
        return {"outcome": r["outcome"][()], "agreement": r["agreement"][()].astype(float),
                "round": r["round"][()],
                "sampled": np.column_stack([r[p][()] for p in parameters]),
                "territory": r["deal"][:, issues.index("territory")],
                "refusals": r["refusals"][:, agents.index("ukraine")],
                "ratification": r["ratification"][:, agents.index("ukraine")],
                "payment": {a: r["payment"][:, agents.index(a)] for a in ("russia", "ukraine")},
                "parameters": parameters,
                "spearman": summary["spearman"][:, targets.index("agreement")],
                "speed": float(summary.attrs["runs_per_second"])}


def main():
    args = arguments(__doc__.splitlines()[0], seed=(int, 20251219, "the seed of every run"))
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.h5")
        go = lambda *o: run(args.parley, args.scenario, args.runs, args.seed, out, *o)  # noqa: E731
        base = go()
        wide = go(constituency(INTERCEPT))
        tight = go(constituency(INTERCEPT - 1.0))
        ended = go(constituency(INTERCEPT), 'protocol.refusal="end"')
        short = go(constituency(INTERCEPT), "protocol.max_rounds=18")
        long = go(constituency(INTERCEPT), "protocol.max_rounds=36")
        payments = "agents.us.side_payment={budget=0.1,cost=1.0,to={russia=1.0,ukraine=1.0}}"
        paid = go(payments)
        paid_stake = go(payments, "protocol.mediator_stake=2.0")
        base_again = go()

    def difference(name, a, b, column, sign):
        d, se = paired(a[column], b[column])
        report(name, f"{d:+.4f} +- {se:.4f}", f"{'<' if sign < 0 else '>'} 0 beyond 2 SE",
               sign * d > 2 * se)

    report("Kyiv's support curve (logit)", f"{INTERCEPT:.2f} {SLOPE:+.2f} x_territory", "KIIS Dec 2025/Jan 2026", None)
    difference("deal territory: Kyiv's constituency - none", base, wide, "territory", -1)
    difference("deal territory: tighter win-set - none", base, tight, "territory", -1)
    difference("deal territory: tighter win-set - KIIS curve", wide, tight, "territory", -1)
    for name, v in (("none", base), ("KIIS curve", wide), ("tighter", tight)):
        report(f"P(agreement), {name}", f"{v['agreement'].mean():.4f}", "", None)
    d, se = paired(base["agreement"], wide["agreement"])
    report("P(agreement): KIIS curve - none", f"{d:+.4f} +- {se:.4f}", "", None)
    d, se = paired(wide["agreement"], tight["agreement"])
    report("P(agreement): tighter - KIIS curve", f"{d:+.4f} +- {se:.4f}", "", None)

    def refused_share(v):
        refusals = v["refusals"].sum()
        return refusals / (refusals + v["agreement"].sum())

    report("signed texts refused at home, KIIS curve", f"{refused_share(wide):.4f}", "", None)
    report("signed texts refused at home, tighter", f"{refused_share(tight):.4f}",
           "> KIIS curve", refused_share(tight) > refused_share(wide))
    for name, v in (("KIIS curve", wide), ("tighter", tight)):
        p = v["ratification"][v["agreement"] == 1]
        report(f"mean P(ratified) of the deals, {name}", f"{np.nanmean(p):.4f}", "", None)
    report("runs a refusal ended (refusal = \"end\")", f"{(ended['outcome'] == 6).mean():.4f}", "", None)
    # The cost: the constituency's runs against the runs without, timed around them.
    speed = 2.0 / (1.0 / base["speed"] + 1.0 / base_again["speed"])
    report("cost of a run with the constituency / without", f"{speed / wide['speed']:.2f}", "<= 2", speed / wide["speed"] <= 2.0)
    accuracy, _ = depth2_tree(wide["sampled"], wide["agreement"] == 1)
    report("outcomes a depth-2 tree predicts, KIIS curve", f"{accuracy:.1%}", "<= 80%", accuracy <= 0.80)
    by12 = [((v["round"] >= 1) & (v["round"] <= 12)).mean() for v in (short, long)]
    report("P(agreement by round 12), max_rounds 18 / 36", f"{by12[0]:.4f} / {by12[1]:.4f}", "equal",
           by12[0] == by12[1])
    rho = wide["spearman"]
    j = int(np.nanargmax(np.abs(rho)))
    report("largest |Spearman rho| with agreement", f"{abs(rho[j]):.3f} ({wide['parameters'][j]})", "", None)
    d, se = paired(base["agreement"], paid["agreement"])
    report("P(agreement): U.S. payments - none", f"{d:+.4f} +- {se:.4f}", "> 0 beyond 2 SE", d > 2 * se)
    d, se = paired(base["territory"], paid["territory"])
    report("deal territory: U.S. payments - none", f"{d:+.4f} +- {se:.4f}", "", None)
    agreed = paid["agreement"] == 1
    for a in ("russia", "ukraine"):
        report(f"mean U.S. payment to {a} in the deals", f"{paid['payment'][a][agreed].mean():.4f}", "", None)
        q = np.quantile(paid["payment"][a][agreed], [0.05, 0.25, 0.5, 0.75, 0.95])
        report(f"U.S. payment to {a}: quantiles 5/25/50/75/95%", " ".join(f"{v:.3f}" for v in q), "", None)
    d, se = paired(paid["agreement"], paid_stake["agreement"])
    report("P(agreement) with payments: U.S. stake 2 - 0.5", f"{d:+.4f} +- {se:.4f}", "", None)
    report.print()


if __name__ == "__main__":
    main()
