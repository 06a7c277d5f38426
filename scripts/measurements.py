"""What scripts/dynamics.py and scripts/war_termination.py share: the options every measurement
takes, and the table of measurements against their targets."""
import argparse
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def arguments(description, **extra):
    """The parser of --parley, --scenario and --runs, with `extra` options (name: (type, default,
    help))."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--parley", default=os.path.join(HERE, "..", "build", "release", "parley"))
    parser.add_argument("--scenario", default=os.path.join(HERE, "..", "scenarios", "miami-2025.toml"))
    parser.add_argument("--runs", type=int, default=20000)
    for name, (kind, default, help_text) in extra.items():
        parser.add_argument("--" + name, type=kind, default=default, help=help_text)
    return parser.parse_args()


class Report:
    """Measurements, each against its target, printed as one table."""

    def __init__(self):
        self.rows = []

    def __call__(self, what, measured, target, ok):
        self.rows.append((what, measured, target, "yes" if ok else "NO"))

    def print(self):
        width = max(len(r[0]) for r in self.rows)
        print(f"{'measurement'.ljust(width)}  {'measured':<32} {'target':<34} met")
        for what, measured, target, ok in self.rows:
            print(f"{what.ljust(width)}  {measured:<32} {target:<34} {ok}")
