#!/usr/bin/env python3
"""Players and their constituencies: the measurements issue 33 asks of the default scenario.

usage: scripts/players.py [--parley BIN] [--scenario FILE] [--runs N] [--seed S]

Runs the scenario and variants of it (--set) on the same seed, so every comparison is paired over
the same runs (common random numbers), and prints each measurement against its target.

The default scenario has Kyiv's constituency, the U.S. and Europe as players with their aid and
sanctions, and Europe's ideal for the assets at the EU's decision of December 2025; each variant
takes one of them away or changes it, on the same runs.

Ratification at home (docs/model.md, "Ratification at home"): Kyiv's constituency has a support
curve on the territory, from KIIS polling (Nov 26 - Dec 13, 2025 and late January 2026, stated
judgement): 72% would accept a freeze on the current line with guarantees (territory 0.4), about
40% giving up the rest of Donbas for guarantees (0.6; 9% "easily", 31% "a difficult
compromise"), so logit P = 3.64 - 6.75 x. A tighter win-set lowers the intercept by one logit.
  1. the deal's territory and P(agreement) with that constituency against none (the scenario
     without its ratification key), and with the tighter one against it (paired differences with
     their standard errors);
  2. the share of signed texts refused at home, and the mean chance a deal passed;
  3. the same with protocol.refusal = "end": the share of runs whose talks a refusal ended;
  4. the cost of a run with the constituency against none (runs per second, in this one run);
  5. no rule in a few inputs: the accuracy of the best depth-2 tree on the sampled parameters
     (war_termination.depth2_tree) and the largest |Spearman rho| with agreement; and
     P(agreement by round 12) with max_rounds 18 and 36 (the horizon must not move it).

Side payments (docs/model.md, "Side payments"): the U.S. may attach up to 0.1 units to its text,
each costing it 1 in utility and worth 1 to Moscow or Kyiv (an illustration, not the default):
  6. P(agreement) and the deal's territory against none (paired), the mean payment to each in the
     deals and its distribution across runs (the leverage the U.S. chooses), and how a larger U.S.
     stake (0.5 -> 2, which weighs what a payment costs it) changes P(agreement) with payments.

Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"): the U.S. and Europe
hold the Western aid (20 and 25 of about 45, $B a year) and the sanctions' toll (10 and 10 of 20)
and set them each month; "held" stands for a player whose flows stay at their maxima (the
contest's own aid and sanctions, the player without instruments):
  7. P(agreement) and the deal's territory with both choosing against both holding, and with the
     U.S. choosing against it holding (Europe choosing in both), paired; the distribution across
     runs of the aid and sanctions each chooses;
  8. the U.S. stake 0.5 -> 2 with its instruments;
  9. disengagement: an engagement cost of 0.005 a month (judgement), the share of runs the U.S.
     leaves and what it costs P(agreement);
 10. Europe's consent on the assets and sanctions: the share of runs whose outcome it decides (a
     deal once its consent is not needed, paired: the scenario without its issue veto; texts
     always lift some sanctions, so its consent is asked of nearly every text), the runs it
     blocks, with the assets their principal obstacle how often, and what the texts it refuses
     return, with its ideal at the EU's decision of 12 Dec 2025 to keep the assets immobilised
     (the default, 0) and at its earlier counter-proposal (Beta mean 60);
 11. Europe choosing against it holding (the U.S. choosing in both), and the cost of a run with
     both players against both holding.
Needs h5py and numpy (src/python/parley/files.py reads the files).
"""
import os
import sys
import tempfile
import tomllib


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src", "python"))
from parley import files  # noqa: E402
from measurements import np, Report, arguments, held_flows, paired, parley_run  # noqa: E402
from war_termination import depth2_tree  # noqa: E402

# Kyiv's support curve from the KIIS polls above: logit(0.72) at 0.4, logit(0.40) at 0.6.
SLOPE = (np.log(0.40 / 0.60) - np.log(0.72 / 0.28)) / 0.2
INTERCEPT = np.log(0.72 / 0.28) - SLOPE * 0.4


def constituency(intercept):
    return f"agents.ukraine.ratification={{intercept={intercept:.4f},slope={{territory={SLOPE:.4f}}}}}"


def edited(scenario, out, ratification=True, europe_veto=True):
    """The scenario's text without Kyiv's ratification key unless RATIFICATION, and without
    Europe's issue veto unless EUROPE_VETO, written to OUT."""
    kept, agent = [], None
    with open(scenario, encoding="utf-8") as f:
        for line in f:
            header = line.strip()
            if header.startswith("["):
                agent = header
            if not europe_veto and agent == "[agents.europe]" and header.startswith("veto_issues"):
                line = "veto = false\n"
            if not ratification and agent == "[agents.ukraine]" and header.startswith("ratification"):
                continue
            kept.append(line)
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(kept)
    return out


def held(scenario, who):
    """--set overrides under which the players WHO hold their flows at their maxima."""
    with open(scenario, "rb") as f:
        return held_flows(tomllib.load(f), who)[0]


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
                "aid": {a: r["aid"][:, agents.index(a)] for a in ("us", "europe")},
                "sanctions": {a: r["sanctions"][:, agents.index(a)] for a in ("us", "europe")},
                "disengaged": r["disengaged"][()],
                "blocker": r["blocker"][()], "europe": agents.index("europe"),
                "assets": r["final_text"][:, issues.index("assets")],
                "obstacle": r["obstacle"][()], "issues": issues,
                "parameters": parameters,
                "spearman": summary["spearman"][:, targets.index("agreement")],
                "speed": float(summary.attrs["runs_per_second"])}


def main():
    args = arguments(__doc__.splitlines()[0], seed=(int, 20251219, "the seed of every run"))
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.h5")
        go = lambda *o: run(args.parley, args.scenario, args.runs, args.seed, out, *o)  # noqa: E731
        go_file = lambda f, *o: run(args.parley, f, args.runs, args.seed, out, *o)  # noqa: E731
        base = go()
        none = go_file(edited(args.scenario, os.path.join(tmp, "no-constituency.toml"), ratification=False))
        tight = go(constituency(INTERCEPT - 1.0))
        ended = go('protocol.refusal="end"')
        short = go("protocol.max_rounds=18")
        long = go("protocol.max_rounds=36")
        payments = "agents.us.side_payment={budget=0.1,cost=1.0,to={russia=1.0,ukraine=1.0}}"
        paid = go(payments)
        paid_stake = go(payments, "protocol.mediator_stake=2.0")
        base_again = go()
        both_held = go(*held(args.scenario, ("us", "europe")))
        us_held = go(*held(args.scenario, ("us",)))
        europe_held = go(*held(args.scenario, ("europe",)))
        stake = go("protocol.mediator_stake=2.0")
        leaves = go("agents.us.engagement_cost=0.005")
        free = edited(args.scenario, os.path.join(tmp, "no-europe-veto.toml"), europe_veto=False)
        no_consent = go_file(free)
        stated = "agents.europe.ideal.assets={beta={mean=60.0,kappa=20}}"
        earlier = go(stated)
        earlier_no_consent = go_file(free, stated)

    def difference(name, a, b, column, sign):
        d, se = paired(a[column], b[column])
        report(name, f"{d:+.4f} +- {se:.4f}", f"{'<' if sign < 0 else '>'} 0 beyond 2 SE",
               sign * d > 2 * se)

    report("Kyiv's support curve (logit)", f"{INTERCEPT:.2f} {SLOPE:+.2f} x_territory", "KIIS Dec 2025/Jan 2026", None)
    difference("deal territory: Kyiv's constituency - none", none, base, "territory", -1)
    difference("deal territory: tighter win-set - none", none, tight, "territory", -1)
    difference("deal territory: tighter win-set - KIIS curve", base, tight, "territory", -1)
    for name, v in (("none", none), ("KIIS curve (default)", base), ("tighter", tight)):
        report(f"P(agreement), {name}", f"{v['agreement'].mean():.4f}", "", None)
    d, se = paired(none["agreement"], base["agreement"])
    report("P(agreement): KIIS curve - none", f"{d:+.4f} +- {se:.4f}", "", None)
    d, se = paired(base["agreement"], tight["agreement"])
    report("P(agreement): tighter - KIIS curve", f"{d:+.4f} +- {se:.4f}", "", None)

    def refused_share(v):
        refusals = v["refusals"].sum()
        return refusals / (refusals + v["agreement"].sum())

    report("signed texts refused at home, KIIS curve", f"{refused_share(base):.4f}", "", None)
    report("signed texts refused at home, tighter", f"{refused_share(tight):.4f}",
           "> KIIS curve", refused_share(tight) > refused_share(base))
    for name, v in (("KIIS curve", base), ("tighter", tight)):
        p = v["ratification"][v["agreement"] == 1]
        report(f"mean P(ratified) of the deals, {name}", f"{np.nanmean(p):.4f}", "", None)
    report("runs a refusal ended (refusal = \"end\")", f"{(ended['outcome'] == 6).mean():.4f}", "", None)
    # The cost: the default's runs, timed around the others, against the runs without the constituency.
    speed = 2.0 / (1.0 / base["speed"] + 1.0 / base_again["speed"])
    report("cost of a run with the constituency / without", f"{none['speed'] / speed:.2f}", "<= 2",
           none["speed"] / speed <= 2.0)
    accuracy, _ = depth2_tree(base["sampled"], base["agreement"] == 1)
    report("outcomes a depth-2 tree predicts", f"{accuracy:.1%}", "<= 80%", accuracy <= 0.80)
    by12 = [((v["round"] >= 1) & (v["round"] <= 12)).mean() for v in (short, long)]
    report("P(agreement by round 12), max_rounds 18 / 36", f"{by12[0]:.4f} / {by12[1]:.4f}", "equal",
           by12[0] == by12[1])
    rho = base["spearman"]
    j = int(np.nanargmax(np.abs(rho)))
    report("largest |Spearman rho| with agreement", f"{abs(rho[j]):.3f} ({base['parameters'][j]})", "", None)
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
    instruments(report, base, speed, both_held, us_held, europe_held, stake, leaves, no_consent, earlier,
                earlier_no_consent)
    report.print()


def instruments(report, base, speed, both_held, us_held, europe_held, stake, leaves, no_consent, earlier,
                earlier_no_consent):
    """Items 7-11 of the docstring."""
    for who, other in (("both choosing - both holding", both_held), ("U.S. choosing - holding", us_held),
                       ("Europe choosing - holding", europe_held)):
        for column, name in (("agreement", "P(agreement)"), ("territory", "deal territory")):
            d, se = paired(other[column], base[column])
            report(f"{name}: {who}", f"{d:+.4f} +- {se:.4f}", "beyond 2 SE", abs(d) > 2 * se)
    for who in ("us", "europe"):
        for what in ("aid", "sanctions"):
            q = np.quantile(base[what][who], [0.05, 0.25, 0.5, 0.75, 0.95])
            report(f"{who} {what} (mean over a run): quantiles 5/25/50/75/95%", " ".join(f"{v:.1f}" for v in q),
                   "differs across runs", q[4] > q[0])
    for column, name in (("agreement", "P(agreement)"), ("territory", "deal territory")):
        d, se = paired(base[column], stake[column])
        report(f"{name}: U.S. stake 2 - 0.5", f"{d:+.4f} +- {se:.4f}", "beyond 2 SE", abs(d) > 2 * se)
    report("runs the U.S. leaves (engagement cost 0.005)", f"{(leaves['outcome'] == 7).mean():.4f}", "> 0",
           (leaves["outcome"] == 7).mean() > 0)
    d, se = paired(base["agreement"], leaves["agreement"])
    report("P(agreement): engagement cost 0.005 - none", f"{d:+.4f} +- {se:.4f}", "< 0 beyond 2 SE", d < -2 * se)
    for name, v, free in (("assets kept frozen (EU, Dec 2025; default)", base, no_consent),
                          ("its earlier counter-proposal (60)", earlier, earlier_no_consent)):
        binds = (v["agreement"] == 0) & (free["agreement"] == 1)
        report(f"runs a deal without Europe's consent would end, {name}", f"{binds.mean():.4f}", "", None)
        d, se = paired(v["agreement"], free["agreement"])
        report(f"P(agreement): no consent of Europe's - its consent, {name}", f"{d:+.4f} +- {se:.4f}", "", None)
        blocked = (v["agreement"] == 0) & (v["blocker"] == v["europe"])
        report(f"failed runs Europe blocks, {name}", f"{blocked.mean():.4f}", "", None)
        if blocked.any():
            assets = v["issues"].index("assets")
            report(f"  of them with the assets their principal obstacle, {name}",
                   f"{(v['obstacle'][blocked] == assets).mean():.3f}", "", None)
            report(f"  assets the texts Europe blocks return ($B, mean), {name}",
                   f"{v['assets'][blocked].mean():.1f}", "", None)
        report(f"P(agreement), {name}", f"{v['agreement'].mean():.4f}", "", None)
    cost = both_held["speed"] / speed
    report("cost of a run with both players choosing / both holding", f"{cost:.2f}", "<= 2", cost <= 2.0)


if __name__ == "__main__":
    main()
