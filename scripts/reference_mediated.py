#!/usr/bin/env python3
"""A straightforward numpy implementation of Parley's mediated single-text protocol,
vectorised across runs as a researcher would write it: the benchmark's reference.

It follows docs/model.md ("Preferences" to "Protocols") step by step (same rounds, amendments, mediator ascent,
walk-outs and stopping rules) for scenarios with linear value functions, and draws its
parameters with numpy's own generator, so it agrees with Parley in distribution, not run
by run.

usage: reference_mediated.py SCENARIO.toml [-n RUNS] [--seed S] [--json]
"""
import argparse
import json
import sys
import time
import tomllib

import numpy as np

EPSILON = 0.01       # ε of the Nash objective
LINEAR_BELOW = 0.02  # log continued by its tangent below this


class Scenario:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.doc = tomllib.load(f)
        self.issue_ids = list(self.doc["issues"])
        self.issues = [self.doc["issues"][k] for k in self.issue_ids]
        self.agent_ids = list(self.doc["agents"])
        self.agents = [self.doc["agents"][a] for a in self.agent_ids]
        self.lo = np.array([i["range"][0] for i in self.issues], float)
        self.hi = np.array([i["range"][1] for i in self.issues], float)
        self.protocol = self.doc["protocol"]
        self.battlefield = self.doc.get("battlefield", {})
        if self.protocol.get("kind", "mediated") != "mediated":
            sys.exit("the reference implements the mediated protocol only")
        moving = [f"agents.{a}.{k}" for a, spec in zip(self.agent_ids, self.agents) for k in spec
                  if k in ("red_line_limits", "concession_beta", "tactics", "endurance", "expected_drift",
                           "aspiration", "aspiration_limit", "veto_issues")]
        if self.protocol.get("information", "complete") != "complete":
            sys.exit("the reference implements a mediator who knows the red lines "
                     "(information = \"complete\") only")
        if moving or "shocks" in self.doc:
            sys.exit("the reference implements fixed positions only, not " +
                     ", ".join(moving + (["shocks"] if "shocks" in self.doc else [])))
        for a in self.agents:
            shape = a.get("shape", "linear")
            if shape != "linear":
                sys.exit("the reference implements linear value functions only")

    def unit(self, k, value):
        return (value - self.lo[k]) / (self.hi[k] - self.lo[k])


def draw(spec, lo, hi, n, rng):
    """One parameter for n runs: a number or a distribution table, on [lo, hi]."""
    if isinstance(spec, (int, float)):
        return np.full(n, float(spec))
    (kind, body), = spec.items()
    if kind == "uniform":
        return rng.uniform(body[0], body[1], n)
    if kind == "triangular":
        return rng.triangular(body[0], body[1], body[2], n)
    if kind == "beta":
        blo, bhi = body.get("lo", lo), body.get("hi", hi)
        m = (body["mean"] - blo) / (bhi - blo)
        return blo + (bhi - blo) * rng.beta(body["kappa"] * m, body["kappa"] * (1 - m), n)
    if kind == "normal":
        out = rng.normal(body["mean"], body["sd"], n)
        while np.any((out < lo) | (out > hi)):  # truncation by rejection
            bad = (out < lo) | (out > hi)
            out[bad] = rng.normal(body["mean"], body["sd"], bad.sum())
        return out
    raise ValueError(kind)


def sample(sc, n, rng):
    """Every parameter of every run, on unit scales: arrays [run, agent, issue] or [run, agent]."""
    A, K = len(sc.agents), len(sc.issues)
    ideal = np.zeros((n, A, K))
    weight = np.zeros((n, A, K))
    red_lo = np.zeros((n, A, K))
    red_hi = np.ones((n, A, K))
    cost = np.zeros((n, A))
    reservation = np.full((n, A), np.nan)
    power = np.ones((n, A))
    assertive = np.full((n, A), 0.3)
    for i, a in enumerate(sc.agents):
        power[:, i] = draw(a.get("power", 1.0), 0, 1e6, n, rng)
        assertive[:, i] = draw(a.get("assertiveness", 0.3), 0, 1, n, rng)
        if "war_cost" in a:
            cost[:, i] = draw(a["war_cost"], 0, 1, n, rng)
        else:
            reservation[:, i] = draw(a["reservation"], 0, 1, n, rng)
        for k, issue in enumerate(sc.issue_ids):
            if issue in a.get("ideal", {}):
                ideal[:, i, k] = sc.unit(k, draw(a["ideal"][issue], sc.lo[k], sc.hi[k], n, rng))
            if issue in a.get("salience", {}):
                weight[:, i, k] = draw(a["salience"][issue], 0, 1e6, n, rng)
            if issue in a.get("red_lines", {}):
                lo, hi = a["red_lines"][issue]
                red_lo[:, i, k] = sc.unit(k, draw(lo, sc.lo[k], sc.hi[k], n, rng))
                red_hi[:, i, k] = sc.unit(k, draw(hi, sc.lo[k], sc.hi[k], n, rng))
        weight[:, i] /= weight[:, i].sum(axis=1, keepdims=True)
        if "salience_concentration" in a:
            alpha = a["salience_concentration"] * weight[:, i]
            g = np.where(alpha > 0, rng.gamma(np.maximum(alpha, 1e-300)), 0.0)
            weight[:, i] = g / g.sum(axis=1, keepdims=True)
    p = sc.protocol
    draft = np.stack([sc.unit(k, draw(p["first_draft"][issue], sc.lo[k], sc.hi[k], n, rng))
                      for k, issue in enumerate(sc.issue_ids)], axis=1)
    bf = sc.battlefield
    b_issue = sc.issue_ids.index(bf["issue"]) if "issue" in bf else 0
    span = sc.hi[b_issue] - sc.lo[b_issue]
    return dict(
        ideal=ideal, weight=weight, red_lo=red_lo, red_hi=red_hi, cost=cost, reservation=reservation,
        power=power, assertive=assertive, draft=draft,
        stake=draw(p.get("mediator_stake", 0.0), 0, 1000, n, rng),
        trust=draw(p.get("trust_region", 0.1), 0, 1, n, rng),
        noise=draw(p.get("batna_noise", 0.0), 0, 1, n, rng),
        start=sc.unit(b_issue, draw(bf.get("start", sc.issues[b_issue]["status_quo"]),
                                    sc.lo[b_issue], sc.hi[b_issue], n, rng)),
        drift=draw(bf.get("drift", 0.0), -span, span, n, rng) / span,
        vol=draw(bf.get("volatility", 0.0), 0, span, n, rng) / span,
        b_issue=b_issue,
    )


def utilities(x, ideal, weight):
    """u_i(x) = Σ_k w_ik (1 - |x_k - a_ik|) for every run and agent: [run, agent]."""
    return (weight * (1.0 - np.abs(x[:, None, :] - ideal))).sum(axis=2)


def negotiate(sc, P, rng):
    n, A, K = P["ideal"].shape
    roles = np.array([a.get("role", "party") for a in sc.agents])
    party = roles == "party"
    mediator = np.flatnonzero(roles == "mediator")[0]
    veto = np.array([a.get("veto", a.get("role", "party") == "party") for a in sc.agents])
    proto = sc.protocol
    max_rounds = proto.get("max_rounds", 24)
    patience = proto.get("walkout_patience", 3)
    steps = proto.get("revision_steps", 24)
    status_quo = np.array([sc.unit(k, i["status_quo"]) for k, i in enumerate(sc.issues)])

    x = P["draft"].copy()
    front = P["start"].copy()
    active = np.ones(n, bool)
    outcome = np.full(n, 2, np.int8)   # 0 agreement, 1 walk-out, 2 deadline
    round_of_deal = np.full(n, -1)
    left = np.zeros((n, A), bool)
    below = np.zeros((n, A), int)
    ideal, weight, red_lo, red_hi = P["ideal"], P["weight"], P["red_lo"], P["red_hi"]
    trust = P["trust"]
    for t in range(1, max_rounds + 1):
        # 1. The battlefield moves; BATNAs follow.
        front = np.clip(front + P["drift"] + P["vol"] * rng.standard_normal(n), 0, 1)
        x_war = np.broadcast_to(status_quo, (n, K)).copy()
        x_war[:, P["b_issue"]] = front
        batna = np.where(np.isnan(P["reservation"]), utilities(x_war, ideal, weight) - P["cost"], P["reservation"])
        # 2.-3. Each agent answers; a deal when every veto player accepts.
        u = utilities(x, ideal, weight)
        excess = np.maximum(0, np.maximum(red_lo - x[:, None, :], x[:, None, :] - red_hi)).sum(axis=2)
        accepts = (u >= batna) & (excess == 0)
        deal = active & np.all(accepts[:, veto], axis=1)
        outcome[deal], round_of_deal[deal] = 0, t
        active &= ~deal
        # 5. Walk-outs: nothing reachable in one revision beats the BATNA for K rounds.
        box_lo = np.clip(x - trust[:, None], 0, 1)
        box_hi = np.clip(x + trust[:, None], 0, 1)
        nearest = np.clip(ideal, box_lo[:, None, :], box_hi[:, None, :])
        reach = (weight * (1 - np.abs(nearest - ideal))).sum(axis=2)
        counted = active[:, None] & party[None, :] & ~left
        below = np.where(counted, np.where(reach < batna, below + 1, 0), below)
        walks = counted & (below >= patience)
        left |= walks
        walk = active & np.any(walks & veto[None, :], axis=1)
        outcome[walk] = 1
        active &= ~walk
        if t == max_rounds or not active.any():
            break
        # 4. The mediator revises the text of the active runs.
        idx = np.flatnonzero(active)
        x[idx] = revise(x[idx], batna[idx], accepts[idx], left[idx], P, idx, party, veto, mediator, steps, rng)
    deal_terms = np.where((outcome == 0)[:, None], sc.lo + x * (sc.hi - sc.lo), np.nan)
    return outcome, round_of_deal, deal_terms


def revise(x, batna, accepts, left, P, idx, party, veto, mediator, steps, rng):
    m = len(idx)
    ideal, weight = P["ideal"][idx], P["weight"][idx]
    red_lo, red_hi = P["red_lo"][idx], P["red_hi"][idx]
    power, assertive = P["power"][idx], P["assertive"][idx]
    trust, stake = P["trust"][idx], P["stake"][idx]
    estimate = batna + P["noise"][idx][:, None] * rng.standard_normal(batna.shape)
    counted = party[None, :] & ~left
    theta = np.where(counted, power, 0.0)
    theta /= np.where(theta.sum(axis=1, keepdims=True) > 0, theta.sum(axis=1, keepdims=True), 1.0)
    lo = np.clip(x - trust[:, None], 0, 1)
    hi = np.clip(x + trust[:, None], 0, 1)
    # Within the common red lines of the veto parties still at the table, where they have one.
    keeps = (veto & party)[None, :] & ~left
    common_lo = np.where(keeps[:, :, None], red_lo, 0.0).max(axis=1)
    common_hi = np.where(keeps[:, :, None], red_hi, 1.0).min(axis=1)
    shared = common_lo <= common_hi
    lo, hi = (np.where(shared, np.clip(common_lo, lo, hi), lo),
              np.where(shared, np.clip(common_hi, lo, hi), hi))

    # Amendments of the rejecting parties, weighted by power, as the starting text.
    rejecting = counted & ~accepts
    share = np.where(rejecting, power, 0.0)
    total = share.sum(axis=1, keepdims=True)
    share = np.divide(share, total, out=np.zeros_like(share), where=total > 0)
    top = weight.max(axis=2, keepdims=True)
    pull = np.divide(weight, top, out=np.zeros_like(weight), where=top > 0)
    amended = np.clip(x[:, None, :] + assertive[:, :, None] * pull * (ideal - x[:, None, :]), red_lo, red_hi)
    trial = np.clip(x + (share[:, :, None] * (amended - x[:, None, :])).sum(axis=1), lo, hi)

    def objective(z):
        """F(z) and its (sub)gradient, from one evaluation of the terms."""
        diff = z[:, None, :] - ideal
        u = (weight * (1.0 - np.abs(diff))).sum(axis=2)
        below, above = red_lo - z[:, None, :], z[:, None, :] - red_hi
        excess = (np.maximum(below, 0) + np.maximum(above, 0)).sum(axis=2)
        g = u - excess - estimate + EPSILON
        linear = g < LINEAR_BELOW
        phi = np.where(linear, np.log(LINEAR_BELOW) + (g - LINEAR_BELOW) / LINEAR_BELOW,
                       np.log(np.maximum(g, LINEAR_BELOW)))
        dphi = np.where(linear, 1.0 / LINEAR_BELOW, 1.0 / np.maximum(g, LINEAR_BELOW))
        # linear shapes: slope +1 below the ideal, -1 above; red lines pull back by 1
        grad_u = -weight * np.sign(diff) + (below > 0) - (above > 0)
        grad = ((theta * dphi)[:, :, None] * grad_u).sum(axis=1)
        grad -= stake[:, None] * weight[:, mediator] * np.sign(diff[:, mediator])
        return (theta * phi).sum(axis=1) + stake * u[:, mediator], grad

    best = trial.copy()
    best_value, grad = objective(trial)
    radius = np.maximum(trust, 1e-9)
    moving = np.ones(m, bool)
    for step in range(steps):
        scale = np.abs(grad).max(axis=1)
        moving &= scale > 0
        if not moving.any():
            break
        eta = 0.5 * radius / np.sqrt(1.0 + step)
        step_size = np.divide(eta, scale, out=np.zeros_like(eta), where=scale > 0) * moving
        trial = np.clip(trial + step_size[:, None] * grad, lo, hi)
        value, grad = objective(trial)
        better = value > best_value
        best[better], best_value[better] = trial[better], value[better]
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", "--runs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()
    sc = Scenario(args.scenario)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    params = sample(sc, args.runs, rng)
    outcome, rounds, deals = negotiate(sc, params, rng)
    seconds = time.perf_counter() - start
    agreed = outcome == 0
    result = {
        "runs": args.runs, "seconds": seconds, "runs_per_second": args.runs / seconds,
        "p_agreement": float(agreed.mean()),
        "outcome_share": [float(np.mean(outcome == k)) for k in range(3)],
        "deal_mean": {k: float(np.nanmean(deals[:, j])) if agreed.any() else None
                      for j, k in enumerate(sc.issue_ids)},
        "deal_sd": {k: float(np.nanstd(deals[:, j])) if agreed.any() else None
                    for j, k in enumerate(sc.issue_ids)},
        "deals": int(agreed.sum()),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.runs} runs in {seconds:.2f} s ({result['runs_per_second']:.0f} runs/s); "
              f"P(agreement) {result['p_agreement']:.4f}")
        for k in sc.issue_ids:
            print(f"  {k:<12} mean deal {result['deal_mean'][k]}")


if __name__ == "__main__":
    main()
