#!/usr/bin/env python3
"""The key reference of docs/scenario.md, from the loader itself.

usage: scripts/key_reference.py [--parley BIN] [--check]

For every table of a scenario file, the keys it takes come from the loader: `parley validate`
with an unknown key in that table answers with the keys the table allows. For every key, what it
allows comes from the loader too: the key set to a value of the wrong kind answers with what is
allowed there. What this file adds is what the loader cannot say: each key's meaning and what
stands when it is absent. The reference goes between "<!-- generated: key reference -->" and
"<!-- end generated -->" in docs/scenario.md; with --check the script writes nothing and exits 1
when that text is not what the loader gives, or when a key the loader takes has no meaning here
(or one here is a key the loader no longer takes). The scalar agent parameters have their own
table in docs/scenario.md (generated from model::kAgentParameters by the unit tests).
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from measurements import default_parley, generated_block, write_generated  # noqa: E402

DOC = os.path.join(ROOT, "docs", "scenario.md")
DEFAULT = os.path.join(ROOT, "scenarios", "miami-2025.toml")
CLAUSES = os.path.join(ROOT, "scenarios", "csis-articles.toml")
DISTRIBUTIONS = (", or one of {uniform = [lo, hi]}, {normal = {mean, sd}}, {beta = {mean, kappa}}, "
                 "{triangular = [min, mode, max]}")

# Each table: its heading, how to reach it (a dotted prefix; or (key, an inline table, whether
# KEY is an array whose first element the table is, or the table itself)), the scenario it is
# probed in, and {key: (when absent, meaning)}.
TABLES = [
    ("`[scenario]`", "scenario", DEFAULT, {
        "name": ("required", "the scenario's id; names the default output file"),
        "title": ("none", "a title for summaries"),
        "description": ("none", "a description for summaries"),
        "space": ('"box"', "the issues as independent positions (box), or shares of one pie (pie: "
                  "alternating offers only; Baron & Ferejohn 1989)"),
        "aggregation": ('"sum"', "an agent's utility as the weighted sum over issues, or the mean of its "
                        "values of the clauses in the text (every issue a clause)")}),
    ("`[run]`", "run", DEFAULT, {
        "runs": ("1000", "runs when the command line gives no -n"),
        "seed": ("1", "the seed when the command line gives no --seed")}),
    ("`[issues.<id>]` (one table per issue, in the order of the file)", "issues.territory", DEFAULT, {
        "label": ("the id", "the issue's name in summaries and plots"),
        "unit": ('""', "the unit of its natural scale (index, years, %, $B...)"),
        "kind": ('"continuous"', "a position on a range, one of named options, or a clause in or out "
                 "of the text"),
        "range": ("required (continuous)", "the natural range, mapped to [0, 1] inside"),
        "status_quo": ("required (continuous); the first option", "the state of affairs while the war "
                       "goes on")}),
    ("`[issues.<id>]` with `kind = \"options\"`",
     ("issues.guarantees", '{kind="options",options=["a","b"]}', False), DEFAULT, {
        "label": ("the id", "as above"), "unit": ('""', "as above"), "kind": ('"continuous"', "as above"),
        "options": ("required (options)", "the named options, in order"),
        "status_quo": ("the first option (a clause: out)", "as above, an option")}),
    ("`[agents.<id>]` (one table per agent; its scalar parameters are under "
     "[Agent parameters](#agent-parameters))", "agents.russia", DEFAULT, {
        "name": ("the id", "the agent's name in summaries"),
        "role": ('"party"', "a party, or the mediator (exactly one under a mediated protocol)"),
        "veto": ("parties true, the mediator false", "must accept for a deal"),
        "veto_issues": ("none", "its consent is needed only for texts that move these issues "
                        "(mediated; a veto elsewhere)"),
        "tactics": ("none", "weights of the concession tactics (time, resource, relative_tit_for_tat, "
                    "absolute_tit_for_tat; see Agent parameters)"),
        "salience_concentration": ("none: the weights as given", "κ of Dirichlet(κ · w): the weights "
                                   "drawn per run around the salience"),
        "shape": ('"linear"', "the utility's shape on each issue: linear, quadratic, or per issue a "
                  "piecewise-linear { points = [[x, u], ...] }"),
        "values": ("none", "discrete issues: the value of each option (a clause: its value when in, or "
                   "[out, in])"),
        "salience": ("missing issues 0", "weights of the issues, normalised per run"),
        "weight": ("none", "normalised weights held fixed, the others sharing the rest (the Dirichlet "
                   "conditional)"),
        "ideal": ("required", "its ideal position on each issue, natural units"),
        "red_lines": ("none", "per issue the acceptable interval [lo, hi] (or { lo, hi }; options: the "
                      "acceptable options)"),
        "red_line_limits": ("none: red lines fixed", "how far each red line concedes by the deadline"),
        "ratification": ("none: the signature binds", "its constituency's support curve: P(ratify) = "
                         "logistic(intercept + Σ slope · term) (docs/model.md, \"Ratification at "
                         "home\")"),
        "side_payment": ("none", "the mediator's payments attached to its text (docs/model.md, \"Side "
                         "payments\")")}),
    ("`ratification` of an agent", "agents.ukraine.ratification", DEFAULT, {
        "intercept": ("required", "the logit of support at the issues' low ends"),
        "slope": ("none: 0", "per issue, the change of the logit from the issue's low end to its high "
                  "end")}),
    ("`side_payment` of the mediator", "agents.us.side_payment", DEFAULT, {
        "budget": ("required", "the most it may pay in a text, in units"),
        "cost": ("required", "its cost in utility per unit"),
        "to": ("required", "per receiving party, the utility of a unit to it")}),
    ("`[protocol]`", "protocol", DEFAULT, {
        "kind": ('"mediated"', "a mediator's single negotiating text, Rubinstein / Baron-Ferejohn "
                 "alternating offers, the Nash or Kalai-Smorodinsky solution in one round, or the "
                 "expected-utility (challenge) model's forecast"),
        "recognition": ('"power"', "alternating: the proposer drawn in proportion to power, or in turn"),
        "decision": ('"unanimity"', "alternating: every veto party must accept, or a majority"),
        "quota": ("a simple majority", "majority: the parties that must accept, the proposer included"),
        "revision": ('"nash"', "mediated: the text revised toward the weighted Nash point, or by the "
                     "closed-form weighted mean"),
        "refusal": ('"resume"', "with a ratification: a text refused at home sends the talks back to "
                    "the table, or ends them"),
        "disengagement": ('"end"', "with the mediator's engagement_cost: its leaving ends the talks, or a "
                          "neutral chair goes on with the text"),
        "information": ('"complete"', "what the mediator (alternating: each proposer) knows of the red "
                        "lines: them, their distributions, or distributions updated from the answers"),
        "sessions": ('"separate"', "mediated: answers with reasons to the mediator alone, or bare answers "
                     "at a joint table"),
        "risk": ('"security"', "expected_utility: each actor's risk exponent from its security against "
                 "challenges, or 1 for all (neutral)"),
        "forecast": ('"median"', "expected_utility: the forecast of an issue, the capability x salience "
                     "weighted median or mean of the final positions"),
        "conflict": ('"larger"', "expected_utility: a conflict won by the side with the larger expected "
                     "utility, or by the challenger with its probability of success, drawn"),
        "challenges_on": ('"issue"', "expected_utility: challenges on every issue apart, or in the issue space "
                          "(whole texts, each agent's distance weighing the issues by its weights)"),
        "salience_scale": ('"largest"', "expected_utility: an agent's salience of an issue, its weight over "
                           "its largest weight, or its weight times its attention"),
        "challenge_rounds": ("100", "expected_utility: the most rounds of challenges on an issue; a run "
                             "whose challenges have not stopped by then is censored"),
        "max_rounds": ("24", "the simulation's horizon: runs still talking are censored"),
        "walkout_patience": ("3", "rounds with nothing reachable before a walk-out"),
        "revision_steps": ("24", "gradient steps per revision"),
        "clause_changes": ("1", "discrete issues the mediator changes per revision"),
        "bracketing": ("false", "mediated: the mediator may set aside the issue that blocks most"),
        "bracket_after": ("6", "rounds without a deal between two bracketings"),
        "max_bracketed": ("1", "the most issues set aside"),
        "agenda": ("one package", "stages of issues taken in turn, the rest last (mediated, nash, kalai)"),
        "binding": ("true", "an agreed stage stands if a later one fails (false: nothing is agreed until "
                    "everything is)"),
        "mediator_stake": ("0", "β, the weight of the mediator's own utility in its objective"),
        "trust_region": ("0.1", "the largest move per issue and round, share of its range"),
        "batna_noise": ("0", "sd of the mediator's estimates of the parties' BATNAs"),
        "step": ("0.5", "η of the weighted-mean revision"),
        "deadline": ("none", "a deadline the parties know; concession by time needs one"),
        "collapse_hazard": ("0", "chance per round that the talks end without a deal"),
        "collapse_escalation": ("0", "added to the collapse hazard for every rejected round so far"),
        "first_draft": ("required (mediated); discrete issues their status quo", "the first text, a "
                        "position on every issue")}),
    ("`[battlefield]`", "battlefield", DEFAULT, {
        "issue": ("the first issue", "the issue whose status quo the front line sets"),
        "start": ("that issue's status quo", "the front line as the talks open"),
        "drift": ("0", "μ, the front's drift per round, natural units"),
        "volatility": ("0", "σ, the front's noise per round, natural units"),
        "contest": ("none", "instead of drift: the drift from the war efforts (Tullock's contest)")}),
    ("`[battlefield.contest]`", "battlefield.contest", DEFAULT, {
        "up": ("required", "the effort per round of the side whose gains raise the issue"),
        "down": ("required", "the effort of the other side, in the same unit"),
        "aid": ("0", "aid given to the down side"),
        "sanctions": ("0", "what sanctions take from the up side"),
        "decisiveness": ("1", "m of p = E_up^m / (E_up^m + E_down^m)"),
        "reach": ("required", "drift = reach (2p − 1) per round, natural units")}),
    ("`[durability]`", "durability", DEFAULT, {
        "horizon": ("required", "rounds each deal is followed after its signature"),
        "base_hazard": ("0", "λ0, the hazard of breakdown per round at every term's low end"),
        "power_shift": ("0", "the shift of the front expected after the deal (Powell's commitment "
                        "problem)"),
        "log_hazard": ("none", "per issue, the log hazard ratio from its low end to its high end"),
        "by": ("none", "group the survival summary by this term of the deal")}),
    ("`[ceasefire]`", "ceasefire", DEFAULT, {
        "issue": ("required", "the issue of the ceasefire term"),
        "designs": ("required", "one table per design; an agreed term takes the nearest"),
        "in_force": ("none", "a design agreed before the talks (mediated, no agenda)")}),
    ("`[ceasefire.designs.<id>]`", "ceasefire.designs.halt", DEFAULT, {
        "label": ("the id", "the design's name in summaries"),
        "at": ("required", "its term on the ceasefire issue, natural units (or an option)"),
        "drift": ("the war's", "the front's drift once in force"),
        "volatility": ("the war's", "the violations, as the front's noise"),
        "war_cost": ("1", "factor on every war cost while in force"),
        "withdrawal": ("0", "rounds to move the front to the agreed line")}),
    ("`[[shocks]]` (repeatable)", ("shocks", '{round=1,key="protocol.step",value=0.5}', True), DEFAULT, {
        "key": ("required", "the parameter's dotted key (any but a salience)"),
        "value": ("required", "a number or a distribution"),
        "op": ('"set"', "the value set, added, or a factor"),
        "round": ("one trigger", "from this round on"),
        "after_rejections": ("one trigger", "after this many rejections by `by`"),
        "by": ("with after_rejections", "the party whose rejections count"),
        "front_above": ("one trigger", "once the front is at or above this"),
        "front_below": ("one trigger", "once the front is at or below this"),
        "no_deal_by": ("one trigger", "if there is no deal by this round")}),
    ("`[[delegations]]` (repeatable)", ("delegations", '{members=["ukraine","europe"]}', True), DEFAULT, {
        "members": ("required", "two or more parties, each in one delegation at most (mediated, separate "
                    "sessions)"),
        "position": ('"nash"', "its joint position: its members' weighted Nash point, or the mean of their "
                     "ideals"),
        "voice": ('"sum"', "the mediator weighs it by its members' power summed, or as one seat")}),
    ("`[[constraints]]` (repeatable)", ("constraints", "{}", True), CLAUSES, {
        "excludes": ("one of the two", "clauses (or \"issue=option\") that cannot stand together"),
        "requires": ("one of the two", "[a, b]: the first only with the second")}),
    ("`[sweep]`", "sweep", DEFAULT, {
        "vary": ("required", "the varied keys, as --vary takes them: \"KEY=LO:HI:N\", \"KEY=A,B,C\" or "
                 "\"KEY=LO:HI\""),
        "design": ('"factorial"', "every combination of the levels, or a Latin hypercube of the LO:HI "
                   "ranges"),
        "points": ("none", "the Latin hypercube's points")}),
]
UNKNOWN = "zz_not_a_key"


def validate(parley, scenario, *overrides):
    cmd = [parley, "validate", scenario]
    for o in overrides:
        cmd += ["--set", o]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stderr


def probe(parley, scenario, where, key, value):
    """What the loader says of KEY (None: the unknown key) set to VALUE in the table WHERE."""
    name = UNKNOWN if key is None else key
    if isinstance(where, tuple):
        name_of, base, array = where
        if key is not None and re.search(r"[{,]" + key + "=", base):  # a key of the base: replaced
            inline = re.sub(r"([{,])" + key + r"=(\[[^\]]*\]|\{[^}]*\}|[^,}]*)", r"\g<1>" + f"{key}={value}", base)
        else:  # added
            inline = base[:-1] + ("," if base != "{}" else "") + f"{name}={value}}}"
        return validate(parley, scenario, f"{name_of}=[{inline}]" if array else f"{name_of}={inline}")
    return validate(parley, scenario, f"{where}.{name}={value}")


def message(stderr, path):
    """The loader's answer about PATH: (problem, allowed), or None."""
    for line in stderr.splitlines():
        m = re.match(r"^\S+?:\d+:\d+: (\S+): (.*?)(?: \((?:allowed|required): (.*)\))?$", line)
        if m and m.group(1) == path:
            return m.group(2), m.group(3) or ""
    return None


def path_of(where, key):
    if isinstance(where, tuple):
        return f"{where[0]}[0].{key}" if where[2] else f"{where[0]}.{key}"
    return f"{where}.{key}"


def loader_keys(parley, scenario, where):
    _, err = probe(parley, scenario, where, None, "1")
    said = message(err, path_of(where, UNKNOWN))
    if not said or not said[0].startswith("unknown key"):
        raise SystemExit(f"the loader did not name the keys of {where}:\n{err}")
    return [k.strip() for k in said[1].split(";")[0].split(",")]


def allowed(parley, scenario, where, key):
    """What the loader allows for KEY: its answer to a boolean there, or (a key that takes a
    boolean) to a string."""
    path = path_of(where, key)
    first = message(probe(parley, scenario, where, key, "true")[1], path)
    said = first if first and first[1] else message(probe(parley, scenario, where, key, '"~"')[1], path)
    if said and said[1]:
        return said[1].replace(DISTRIBUTIONS, ", or a distribution")
    return "true or false" if first is None else first[0]


def agent_parameters():
    """The scalar agent parameters of docs/scenario.md's generated table."""
    text, a, b = generated_block(DOC, "agent parameters")
    block = text[a:b]
    return {k.split(".")[0] for k in re.findall(r"^\| `([a-z_.]+)` \|", block, re.M)} - {"tactics"}


def reference(parley):
    out, problems = [], []
    _, err = validate(parley, DEFAULT, f"{UNKNOWN}.x=1")
    said = message(err, UNKNOWN)
    tables = [t.strip() for t in said[1].split(";")[0].split(",")] if said else []
    out.append("The tables of a scenario file: " + ", ".join(f"`{t}`" for t in tables) + ". Where what "
               "is allowed depends on the scenario (an issue's range, its agents and issues, the key a "
               "shock changes), the words are the loader's for the default scenario.")
    scalars = agent_parameters()
    for heading, where, scenario, keys in TABLES:
        taken = loader_keys(parley, scenario, where)
        if where == "agents.russia":
            taken = [k for k in taken if k not in scalars]
        for k in taken:
            if k not in keys:
                problems.append(f"{heading}: the loader takes `{k}`, which has no meaning in scripts/key_reference.py")
        for k in keys:
            if k not in taken:
                problems.append(f"{heading}: `{k}` has a meaning in scripts/key_reference.py but the loader "
                                "does not take it")
        out.append(f"\n### {heading}\n\n| key | allowed (the loader's words) | when absent | meaning |\n|---|---|---|---|")
        for k in taken:
            if k in keys:
                absent, meaning = keys[k]
                text = allowed(parley, scenario, where, k).replace("|", "\\|")
                out.append(f"| `{k}` | {text} | {absent} | {meaning} |")
    return "\n".join(out) + "\n", problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parley", default=None, help="the program (default: the build tree's, else `parley` on PATH)")
    parser.add_argument("--check", action="store_true", help="compare with docs/scenario.md instead of writing it")
    args = parser.parse_args()
    parley = args.parley or default_parley()
    made, problems = reference(parley)
    if problems:
        print("scripts/key_reference.py:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    doc, a, b = generated_block(DOC, "key reference")
    if doc[a:b] == made:
        print("scripts/key_reference.py: docs/scenario.md's key reference is the loader's", file=sys.stderr)
        return 0
    if args.check:
        sys.stderr.writelines(difflib.unified_diff(doc[a:b].splitlines(True), made.splitlines(True),
                                                   "docs/scenario.md", "the loader"))
        print("scripts/key_reference.py: docs/scenario.md's key reference is not the loader's: run "
              "scripts/key_reference.py", file=sys.stderr)
        return 1
    write_generated(DOC, "key reference", made)
    print("scripts/key_reference.py: wrote the key reference of docs/scenario.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
