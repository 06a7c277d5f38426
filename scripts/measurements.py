"""What the measurement scripts share (dynamics, war_termination, players, findings, bench,
key_reference): the options every measurement takes, the table of measurements against their
targets, the overrides of an earlier default's red lines, and markdown tables and generated
blocks for the docs."""
import argparse
import os
import shutil
import subprocess
import sys
import tomllib

try:
    import numpy as np
except ImportError as e:  # a python3 first on PATH without Debian's packages
    raise SystemExit(f"{e.name} is not installed for this Python ({sys.executable}): run the "
                     "script with /usr/bin/python3, which scripts/setup provides with numpy, h5py "
                     "and matplotlib")

HERE = os.path.dirname(os.path.abspath(__file__))


# The four territorial keys of an earlier default, which drew the red lines of Moscow and Kyiv and
# how far they concede (docs/findings.md, DRAWN): the default draws none.
DRAWN = ("agents.russia.red_lines.territory=[{uniform=[0.45,0.65]},1.0]",
         "agents.russia.red_line_limits.territory=[{uniform=[0.5,0.6]},1.0]",
         "agents.ukraine.red_lines.territory=[0.0,{uniform=[0.4,0.55]}]",
         "agents.ukraine.red_line_limits.territory=[0.0,{uniform=[0.5,0.6]}]")
END_GENERATED = "<!-- end generated -->"


def markdown_table(header, rows):
    """A markdown table of HEADER and ROWS (each a sequence of cells)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def generated_block(path, name):
    """The text of PATH, and where its block "<!-- generated: NAME -->" ... "<!-- end generated -->"
    starts and ends (the text between the markers)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin = f"<!-- generated: {name} -->\n"
    a = text.index(begin) + len(begin)
    return text, a, text.index(END_GENERATED, a)


def write_generated(path, name, block):
    """Puts BLOCK between the markers of PATH's generated block NAME (temporary file, then
    rename)."""
    text, a, b = generated_block(path, name)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text[:a] + block + text[b:])
    os.replace(tmp, path)


def default_parley():
    """build/release/parley when it was built here, else the `parley` on PATH (scripts/demo
    installs one in ~/.local/bin), else a clear message rather than a traceback."""
    built = os.path.join(HERE, "..", "build", "release", "parley")
    if os.path.exists(built):
        return built
    found = shutil.which("parley")
    if found:
        return found
    raise SystemExit("no parley program: run scripts/demo (it installs ~/.local/bin/parley; "
                     "then export PATH=\"$HOME/.local/bin:$PATH\") or pass --parley BIN")


def arguments(description, **extra):
    """The parser of --parley, --scenario and --runs, with `extra` options (name: (type, default,
    help))."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--parley", default=None,
                        help="the program (default: the build tree's, else `parley` on PATH)")
    parser.add_argument("--scenario", default=os.path.join(HERE, "..", "scenarios", "miami-2025.toml"))
    parser.add_argument("--runs", type=int, default=20000)
    for name, (kind, default, help_text) in extra.items():
        parser.add_argument("--" + name, type=kind, default=default, help=help_text)
    args = parser.parse_args()
    if args.parley is None:
        args.parley = default_parley()
    return args


def parley_run(parley, scenario, runs, seed, out, overrides, *flags):
    """`parley run` of the scenario into OUT with the --set OVERRIDES and further FLAGS, quietly,
    overwriting OUT."""
    cmd = [parley, "run", scenario, "-n", str(runs), "--seed", str(seed), "-o", out, "--force", "-q",
           *flags]
    for o in overrides:
        cmd += ["--set", o]
    subprocess.run(cmd, check=True)


def paired(a, b):
    """Mean of b − a over the runs where both are finite, with its standard error."""
    d = b - a
    d = d[np.isfinite(d)]
    return d.mean(), d.std(ddof=1) / np.sqrt(max(len(d), 1))


def held_flows(data, who=None):
    """--set overrides under which the players WHO (default: every agent with aid_max or
    sanctions_max) hold their flows at their maxima: the contest's own aid and sanctions carry
    them, and the players have no instruments left to choose. DATA: the scenario as parsed TOML.
    Returns the overrides and the contest's aid and sanctions under them."""
    contest = data["battlefield"]["contest"]
    aid, sanctions = contest.get("aid", 0.0), contest.get("sanctions", 0.0)
    out = []
    for a, agent in data.get("agents", {}).items():
        if (who is None and not ("aid_max" in agent or "sanctions_max" in agent)) or \
                (who is not None and a not in who):
            continue
        aid += agent.get("aid_max", 0.0)
        sanctions += agent.get("sanctions_max", 0.0)
        out += [f"agents.{a}.{key}_max=0" for key in ("aid", "sanctions") if key + "_max" in agent]
    return out + [f"battlefield.contest.aid={aid}", f"battlefield.contest.sanctions={sanctions}"], aid, sanctions


def drift_overrides(scenario, drift):
    """--set overrides that give the scenario's front the drift `drift` per round: battlefield.drift,
    or with a [battlefield.contest] the efforts that give it (reach (2p - 1) = drift with
    p = E_up / (E_up + E_down), decisiveness 1: the reach 0.05, Ukraine's effort with aid kept,
    Russia's own effort set)."""
    with open(scenario, "rb") as f:
        data = tomllib.load(f)
    contest = data.get("battlefield", {}).get("contest")
    if contest is None:
        return [f"battlefield.drift={drift}"]
    # Players' aid and sanctions are held at their maxima, so that no choice of theirs moves the
    # drift away from `drift`.
    held, aid, sanctions = held_flows(data)
    reach, e_down = 0.05, contest["down"] + aid
    p = (1 + drift / reach) / 2
    up = sanctions + p / (1 - p) * e_down
    return held + [f"battlefield.contest.reach={reach}", f"battlefield.contest.up={up}",
                   "battlefield.contest.decisiveness=1"]


class Report:
    """Measurements, each against its target, printed as one table."""

    def __init__(self):
        self.rows = []

    def __call__(self, what, measured, target, ok):
        """OK: whether the target is met (None: a number reported, with no target)."""
        self.rows.append((what, measured, target, "-" if ok is None else "yes" if ok else "NO"))

    def print(self):
        width = max(len(r[0]) for r in self.rows)
        print(f"{'measurement'.ljust(width)}  {'measured':<32} {'target':<34} met")
        for what, measured, target, ok in self.rows:
            print(f"{what.ljust(width)}  {measured:<32} {target:<34} {ok}")
