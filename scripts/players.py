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
Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"): the U.S. as a player in
place of the two scripted shocks (a variant of the scenario without its [[shocks]]): of the
Western aid (45, $B a year) the U.S. part, about 20 (Kiel Ukraine Support Tracker, 2022-2024),
becomes its aid_max, and half the sanctions' toll (10 of 20, judgement) its sanctions_max, each
costing it 0.0005 a unit and month (judgement: full aid costs it 0.01, half its former war
cost, which keeps the other half); the rest stays the contest's. Levels start at the flows in force, so
with no choices the war is the scenario's:
  7. P(agreement) and the deal's territory with the U.S. choosing against the same flows held
     (paired), and the distribution of the aid and sanctions it chooses across runs;
  8. the U.S. stake 0.5 -> 2 with its instruments;
  9. disengagement: an engagement cost of 0.005 a month (judgement), the share of runs the U.S.
     leaves and what it costs P(agreement);
 10. Europe's consent on the assets and sanctions: the share of runs whose outcome it decides (a
     deal once its consent is not needed, paired: a variant without its issue veto; texts always
     lift some sanctions, so its consent is asked of nearly every text), the runs it blocks, with
     the assets their principal obstacle how often, and what the texts it refuses return, with
     its ideal as stated and with the EU's decision of 12 Dec 2025 to keep the assets immobilised
     (ideal 0);
 11. Europe as a player too: its part of the aid (the remaining 25) and the other half of the
     sanctions as its instruments, at the same costs.
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


def without_shocks(scenario, out, europe_veto=True):
    """The scenario's text without its [[shocks]] tables (and without Europe's issue veto unless
    EUROPE_VETO), written to OUT."""
    kept, skipping, agent = [], False, None
    with open(scenario, encoding="utf-8") as f:
        for line in f:
            header = line.strip()
            if header.startswith("["):
                skipping = header == "[[shocks]]"
                agent = header
            if not europe_veto and agent == "[agents.europe]" and header.startswith("veto_issues"):
                line = "veto = false\n"
            if not skipping:
                kept.append(line)
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(kept)
    return out


# The U.S. as a player (item 7): its part of the aid and of the sanctions' toll as instruments.
US_PLAYER = ["battlefield.contest.aid=25", "agents.us.aid_max=20", "agents.us.aid_cost=0.0005",
             "battlefield.contest.sanctions=10", "agents.us.sanctions_max=10",
             "agents.us.sanctions_cost=0.0005", "agents.us.war_cost=0.01"]
EUROPE_PLAYER = ["battlefield.contest.aid=0", "agents.europe.aid_max=25", "agents.europe.aid_cost=0.0005",
                 "battlefield.contest.sanctions=0", "agents.europe.sanctions_max=10",
                 "agents.europe.sanctions_cost=0.0005"]


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
        plain = without_shocks(args.scenario, os.path.join(tmp, "no-shocks.toml"))
        go_plain = lambda *o: run(args.parley, plain, args.runs, args.seed, out, *o)  # noqa: E731
        held = go_plain()
        us = go_plain(*US_PLAYER)
        us_stake = go_plain(*US_PLAYER, "protocol.mediator_stake=2.0")
        us_leaves = go_plain(*US_PLAYER, "agents.us.engagement_cost=0.005")
        free = without_shocks(args.scenario, os.path.join(tmp, "no-europe-veto.toml"), europe_veto=False)
        go_free = lambda *o: run(args.parley, free, args.runs, args.seed, out, *o)  # noqa: E731
        us_no_assets = go_free(*US_PLAYER)
        frozen = "agents.europe.ideal.assets=0"
        us_frozen = go_plain(*US_PLAYER, frozen)
        us_frozen_no_assets = go_free(*US_PLAYER, frozen)
        both = go_plain(*US_PLAYER, *EUROPE_PLAYER)

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
    instruments(report, held, us, us_stake, us_leaves, us_no_assets, us_frozen, us_frozen_no_assets, both)
    report.print()


def instruments(report, held, us, us_stake, us_leaves, us_no_assets, us_frozen, us_frozen_no_assets, both):
    """Items 7-11 of the docstring."""
    report("P(agreement), scenario without its scripted shocks", f"{held['agreement'].mean():.4f}", "", None)
    for column, name in (("agreement", "P(agreement)"), ("territory", "deal territory")):
        d, se = paired(held[column], us[column])
        report(f"{name}: U.S. choosing - flows held", f"{d:+.4f} +- {se:.4f}", "beyond 2 SE", abs(d) > 2 * se)
    for what in ("aid", "sanctions"):
        q = np.quantile(us[what]["us"], [0.05, 0.25, 0.5, 0.75, 0.95])
        report(f"U.S. {what} (mean over a run): quantiles 5/25/50/75/95%", " ".join(f"{v:.1f}" for v in q),
               "differs across runs", q[4] > q[0])
    for column, name in (("agreement", "P(agreement)"), ("territory", "deal territory")):
        d, se = paired(us[column], us_stake[column])
        report(f"{name}: U.S. stake 2 - 0.5, choosing", f"{d:+.4f} +- {se:.4f}", "beyond 2 SE", abs(d) > 2 * se)
    report("runs the U.S. leaves (engagement cost 0.005)", f"{(us_leaves['outcome'] == 7).mean():.4f}", "> 0",
           (us_leaves["outcome"] == 7).mean() > 0)
    d, se = paired(us["agreement"], us_leaves["agreement"])
    report("P(agreement): engagement cost 0.005 - none", f"{d:+.4f} +- {se:.4f}", "< 0 beyond 2 SE", d < -2 * se)
    for name, v, free in (("as stated", us, us_no_assets), ("assets kept frozen (EU, Dec 2025)", us_frozen,
                                                          us_frozen_no_assets)):
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
    for who in ("us", "europe"):
        for what in ("aid", "sanctions"):
            q = np.quantile(both[what][who], [0.05, 0.5, 0.95])
            report(f"{who} {what} with both choosing: quantiles 5/50/95%", " ".join(f"{x:.1f}" for x in q), "", None)
    d, se = paired(us["agreement"], both["agreement"])
    report("P(agreement): Europe choosing too - U.S. alone", f"{d:+.4f} +- {se:.4f}", "", None)
    d, se = paired(us["territory"], both["territory"])
    report("deal territory: Europe choosing too - U.S. alone", f"{d:+.4f} +- {se:.4f}", "", None)
    speed = held["speed"] / both["speed"]
    report("cost of a run with both players / flows held", f"{speed:.2f}", "<= 2", speed <= 2.0)


if __name__ == "__main__":
    main()
