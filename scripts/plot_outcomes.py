#!/usr/bin/env python3
"""Plot the outcome distributions of a Parley run file, or P(agreement) along a sweep.

usage: plot_outcomes.py OUT.h5 [-o PNG]

For a runs file, draws P(agreement) with its 95% Wilson interval and the outcome shares, rounds to
agreement, principal obstacles, the distribution of each deal term in natural
units and, where the scenario follows deals after their signature ([durability]), the
share of deals still holding round by round (overall and by design, with 95% Wilson bands).
Where the file holds the rounds of its first runs (`parley run --trace K`), also draws the text
on the table round by round, per issue, for up to 10 of them, and each agent's utility against
its demand in the first. For a sweep file, draws P(agreement) with its 95% interval along each varied key: a factorial
grid one line per value of the other keys (up to 8; else their mean), a Latin hypercube or design
file as points. Needs h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "python"))
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    import numpy as np

    from parley import files
    from parley.files import text
except ImportError as e:  # a python3 first on PATH without Debian's packages
    sys.exit(f"plot_outcomes.py: {e.name} is not installed for this Python ({sys.executable}): "
             "run it with /usr/bin/python3, which scripts/setup provides with numpy, h5py and "
             "matplotlib")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a parley-runs HDF5 file")
    parser.add_argument("-o", "--output", help="PNG to write (default: FILE with .png)")
    args = parser.parse_args(argv)
    output = args.output or (args.file[:-3] if args.file.endswith(".h5") else args.file) + ".png"

    try:
        f = files.open_file(args.file, allowed=(files.RUNS, files.SWEEP))
    except (OSError, files.FileError) as e:
        sys.exit(f"plot_outcomes.py: {e}")
    if text(f.attrs["filetype"]) == files.SWEEP:
        with f:
            plot_sweep(f, output)
        return
    with f:
        runs = f["runs"]
        issues = [text(s) for s in runs["issue"][()]]
        labels = [text(s) for s in runs["issue_label"][()]]
        units = [text(s) for s in runs["issue_unit"][()]]
        outcome = files.decode_flags(runs["outcome"])
        rounds = runs["round"][()]
        deal = runs["deal"][()]
        obstacle = runs["obstacle"][()]
        summary = f["summary"]
        p, lo, hi = (float(summary[k][()]) for k in ("p_agreement", "p_agreement_low", "p_agreement_high"))
        survival = None
        if "survival" in summary:
            survival = (summary["survival"][()], [text(g) for g in summary["survival_group"][()]],
                        summary["survival_deals"][()])
        traced = None
        if "trace" in f:
            t = f["trace"]
            shown = min(10, t["rounds"].shape[0])
            traced = {"rounds": t["rounds"][:shown], "text": t["text"][:shown],
                      "utility": t["utility"][0], "demand": t["demand"][0],
                      "run": t["trace_run"][:shown],
                      "agents": [text(a) for a in t["agent"][()]]}
        title = text(f.attrs["scenario_name"])
        n = int(f.attrs["runs"])
        complete = int(f.attrs["complete"]) == 1

    agreed = outcome == "agreement"
    cols = 6
    issue_rows = -(-len(issues) // cols)
    rows = 1 + issue_rows + (survival is not None) + (issue_rows + 1 if traced else 0)
    fig = plt.figure(figsize=(15, 3.3 * rows), constrained_layout=True)
    grid = fig.add_gridspec(rows, cols)
    fig.suptitle(f"{title}: {n} runs" + ("" if complete else " (incomplete file)"))

    ax = fig.add_subplot(grid[0, 0:2])
    colours = {"agreement": "tab:green", "walk-out": "tab:red", "deadline": "tab:gray",
               "partial": "tab:olive", "collapse": "tab:purple", "censored": "tab:blue"}
    # The rarer ends only where they occur (a known deadline, partial deals, the talks' collapse,
    # runs still talking at the horizon).
    names = [n for n in colours if n in ("agreement", "walk-out") or np.any(outcome == n)]
    shares = [np.mean(outcome == n) for n in names]
    bars = ax.bar(names, shares, color=[colours[n] for n in names])
    ax.errorbar([0], [p], yerr=[[p - lo], [hi - p]], color="black", capsize=6)
    ax.bar_label(bars, labels=[f"{s:.1%}" for s in shares])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of runs")
    ax.set_title(f"P(agreement) = {p:.3f}  [{lo:.3f}, {hi:.3f}]")

    ax = fig.add_subplot(grid[0, 2:4])
    if agreed.any():
        r = rounds[agreed]
        ax.hist(r, bins=np.arange(0.5, r.max() + 1.5), color="tab:blue")
    ax.set_title("rounds to agreement")
    ax.set_xlabel("round of the deal")
    ax.set_ylabel("runs")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # rounds are whole

    ax = fig.add_subplot(grid[0, 4:6])
    counts = [int(np.sum(obstacle == k)) for k in range(len(issues))]
    ax.barh(issues, counts, color="tab:orange")
    ax.invert_yaxis()
    ax.set_title("principal obstacle (failed runs)")
    ax.set_xlabel("runs")

    for k, issue in enumerate(issues):
        ax = fig.add_subplot(grid[1 + k // cols, k % cols])
        values = deal[agreed, k]
        if values.size:
            ax.hist(values, bins=40, color="tab:purple")
        ax.set_title(f"deal: {issue}", fontsize=10)
        if k % cols == 0:
            ax.set_ylabel("deals")
        ax.set_xlabel(f"{labels[k]} ({units[k]})" if units[k] else labels[k], fontsize=7)
    if traced is not None:
        # The text round by round (natural units), one line per traced run, its end marked by
        # its outcome; then the first run's utilities against the demands they answered.
        top = 1 + issue_rows + (survival is not None)
        outcome_colour = {"agreement": "tab:green", "collapse": "tab:purple",
                          "walk-out": "tab:red", "censored": "tab:blue"}
        for k, issue in enumerate(issues):
            ax = fig.add_subplot(grid[top + k // cols, k % cols])
            for j, n_j in enumerate(traced["rounds"]):
                n_j = int(n_j)
                if n_j <= 0:
                    continue
                r = np.arange(1, n_j + 1)
                ax.plot(r, traced["text"][j, :n_j, k], linewidth=0.8, color="gray")
                end = outcome[int(traced["run"][j])]
                ax.plot(r[-1], traced["text"][j, n_j - 1, k], "o", markersize=3,
                        color=outcome_colour.get(end, "black"))
            ax.set_title(f"text: {issue}", fontsize=10)
            ax.set_xlabel("round", fontsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax = fig.add_subplot(grid[top + issue_rows, 0:3])
        n_0 = int(traced["rounds"][0])
        r = np.arange(1, n_0 + 1)
        for i, agent in enumerate(traced["agents"]):
            line, = ax.plot(r, traced["utility"][:n_0, i], label=f"{agent} utility")
            ax.plot(r, traced["demand"][:n_0, i], linestyle="--", color=line.get_color(),
                    label=f"{agent} demand")
        ax.set_xlabel("round")
        ax.set_ylabel("utility")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"run {int(traced['run'][0])}: each text's utility against the demand "
                     "it answered (accepted where above)", fontsize=9)
        ax.legend(fontsize=6, ncol=2)
    if survival is not None:
        curves, groups, deals = survival
        ax = fig.add_subplot(grid[1 + issue_rows, 0:3])
        t = np.arange(curves.shape[1])
        for g, name in enumerate(groups):
            n_g = float(deals[g])
            if n_g < 30:  # too few deals for a curve
                continue
            s_g = curves[g]
            # 95% Wilson band at each round.
            z = 1.959963984540054
            centre = (s_g + z * z / (2 * n_g)) / (1 + z * z / n_g)
            half = z * np.sqrt(s_g * (1 - s_g) / n_g + z * z / (4 * n_g * n_g)) / (1 + z * z / n_g)
            style = {"color": "black", "linewidth": 2} if g == 0 else {}
            line, = ax.step(t, s_g, where="post", label=f"{name} ({int(n_g)})", **style)
            ax.fill_between(t, centre - half, centre + half, step="post", alpha=0.15,
                            color=line.get_color())
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("rounds after the signature")
        ax.set_ylabel("deals still holding")
        ax.set_title("whether deals hold (Kaplan-Meier)")
        ax.legend(fontsize=7)
    fig.savefig(output, dpi=110)
    print(output)


def plot_sweep(f, output):
    """P(agreement) and its 95% interval along each varied key of a sweep file."""
    grid = f["grid"]
    keys = text(f.attrs["varied"]).split("\n")
    design = text(f.attrs["design"])
    p, lo, hi = (grid[k][()] for k in ("p_agreement", "p_agreement_low", "p_agreement_high"))

    def values(key):
        v = grid[key][()]
        return [text(x) for x in v] if v.dtype.kind in "OSU" else v

    def label(key):
        attrs = grid[key].attrs
        units = text(attrs.get("units", attrs.get("units_note", b"")))
        return f"{key} ({units})" if units and units != "1" else key

    fig, axes = plt.subplots(1, len(keys), figsize=(5.5 * len(keys), 4), constrained_layout=True,
                             squeeze=False)
    fig.suptitle(f"{text(f.attrs['scenario_name'])}: P(agreement) along the sweep "
                 f"({int(f.attrs['points'])} points x {int(f.attrs['runs_per_point'])} runs)")
    for j, key in enumerate(keys):
        ax = axes[0][j]
        x = values(key)
        words = not isinstance(x, np.ndarray)
        positions = np.arange(len(x)) if words else np.asarray(x, dtype=float)
        if design == "factorial":
            # Axis j against the others: one line per combination of the other keys' values.
            pj, loj, hij = (np.moveaxis(a, j, -1).reshape(-1, len(x)) for a in (p, lo, hi))
            others = [k for k in keys if k != key]
            combos = list(np.ndindex(*[len(values(k)) for k in others])) if others else [()]
            if len(combos) > 8:
                pj, loj, hij = pj.mean(0, keepdims=True), loj.mean(0, keepdims=True), \
                    hij.mean(0, keepdims=True)
                combos = [None]
            for c, combo in enumerate(combos):
                name = "mean over the others" if combo is None else ", ".join(
                    f"{k}={values(k)[i]}" for k, i in zip(others, combo)) or None
                line, = ax.plot(positions, pj[c], marker="o", label=name)
                ax.fill_between(positions, loj[c], hij[c], alpha=0.15, color=line.get_color())
            if len(combos) > 1 or combos == [None]:
                ax.legend(fontsize=7)
        else:
            ax.errorbar(positions, p, yerr=[p - lo, hi - p], fmt="o", capsize=3)
        if words:
            ax.set_xticks(positions, x, rotation=20, fontsize=8)
        ax.set_xlabel(label(key))
        ax.set_ylabel("P(agreement), 95% interval")
        ax.set_ylim(0, 1)
    fig.savefig(output, dpi=110)
    print(output)


if __name__ == "__main__":
    main()
