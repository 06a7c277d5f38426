#!/usr/bin/env python3
"""Delegations on the default scenario: Kyiv and Europe meeting the U.S. as one delegation.

usage: scripts/delegations.py [--parley BIN] [--scenario FILE] [--runs N] [--seed S]

In Miami (19-22 Dec 2025) the U.S. met Russia and, separately, a Ukrainian-European delegation.
The default scenario seats Kyiv and Europe apart; each variant here seats them together
(docs/model.md, "Delegations"), on the same runs (common random numbers, paired):
  position "nash": the delegation amends toward the weighted Nash point of its members;
  position "mean": toward the weighted mean of their ideals;
  voice "sum": the mediator weighs the delegation by its members' power summed (1 + 0.7);
  voice "one": by the power of its most powerful member (1), one seat like Moscow's.
For each: P(agreement), the deal's territory and frozen assets returned (unit scale, paired
over the runs both variants agree in), the share of signed texts Kyiv's constituency refuses, the
median round of a deal, the share of runs Europe blocks at the horizon or walk-out, and the cost
of a run against the default (runs per second, in this one run).
Needs h5py and numpy (src/python/parley/files.py reads the files).
"""
import os
import sys
import tempfile


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from measurements import np, arguments, paired  # noqa: E402
from players import run  # noqa: E402

VARIANTS = [(p, v) for p in ("nash", "mean") for v in ("sum", "one")]


def seated(position, voice):
    return (f'delegations=[{{members=["ukraine","europe"],position="{position}",'
            f'voice="{voice}"}}]')


def main():
    args = arguments(__doc__.splitlines()[0], seed=(int, 20251219, "the seed of every run"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.h5")
        go = lambda *o: run(args.parley, args.scenario, args.runs, args.seed, out, *o)  # noqa: E731
        base = go()
        variants = {pv: go(seated(*pv)) for pv in VARIANTS}

    def deal(d, key):
        return np.where(d["agreement"] > 0, d[key], np.nan)

    def median_round(d):
        rounds = d["round"][d["agreement"] > 0]
        return float(np.median(rounds)) if len(rounds) else float("nan")

    def blocked(d):
        return float(np.mean((d["agreement"] == 0) & (d["blocker"] == d["europe"])))

    print(f"{args.runs} runs, seed {args.seed}, paired differences against the default "
          "(separate seats) with their standard errors")
    print(f"default: P(agreement) {base['agreement'].mean():.4f}, territory "
          f"{np.nanmean(deal(base, 'territory')):.4f}, assets {np.nanmean(deal(base, 'assets')):.4f}, "
          f"refused {np.mean(base['refusals'] > 0):.4f}, median round {median_round(base):.0f}, "
          f"Europe blocks {blocked(base):.4f}")
    for (position, voice), d in variants.items():
        p, p_se = paired(base["agreement"], d["agreement"])
        t, t_se = paired(deal(base, "territory"), deal(d, "territory"))
        a, a_se = paired(deal(base, "assets"), deal(d, "assets"))
        print(f"position {position:4} voice {voice}: P {d['agreement'].mean():.4f} "
              f"({p:+.4f} ± {p_se:.4f}), territory {t:+.4f} ± {t_se:.4f}, assets {a:+.4f} ± "
              f"{a_se:.4f}, refused {np.mean(d['refusals'] > 0):.4f}, median round "
              f"{median_round(d):.0f}, Europe blocks {blocked(d):.4f}, cost "
              f"{base['speed'] / d['speed']:.2f}x")


if __name__ == "__main__":
    main()
