# %% [markdown]
# # Exploring Parley results
#
# Opens a run file and a sweep file with xarray and draws: P(agreement) against a swept
# parameter with its 95% interval band and its paired (common-random-number) differences, the
# distribution of each deal term, the principal obstacles, whether deals hold, a tornado chart
# of the parameters that drive agreement, and the calibration's prior against its posterior.
#
# Inputs come from the environment (defaults in brackets): `PARLEY_RUN`
# [results/miami-2025.h5], `PARLEY_SWEEP` [results/miami-2025-sweep.h5], and for the last
# section a calibration `PARLEY_POSTERIOR` [results/miami-2025-posterior.h5] with runs drawn
# from it, `PARLEY_POSTERIOR_RUN` [results/posterior.h5] (docs/cli.md, "Calibrating to what was
# observed"), every path from the repository root. What is missing is made through the Python
# module `parley` (scripts/demo builds and installs it). Figures are drawn inline and also go to
# `PARLEY_FIGURES` [results/figures].

# %%
import os
import sys

import matplotlib

if "get_ipython" not in globals():  # a plain script: figures to files only
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

# Paths are from the repository root, wherever this runs from (the notebook's folder in
# Jupyter, the root from the command line): the first folder upwards with src/python/parley.
here = os.path.dirname(os.path.abspath(globals().get("__file__", os.path.join(os.getcwd(), "explore.ipynb"))))
root = here
while not os.path.isdir(os.path.join(root, "src", "python", "parley")) and os.path.dirname(root) != root:
    root = os.path.dirname(root)
# The Python module `parley` that scripts/demo builds (build/release/python) runs what is
# missing; without it (src/python: parley.files only) the files must exist.
try:
    import parley
    parley.version or parley._compiled()
except ImportError:
    sys.modules.pop("parley", None)
    for folder in (os.path.join(root, "build", "release", "python"), os.path.join(root, "src", "python")):
        if os.path.isdir(folder):
            sys.path.insert(0, folder)
            break
    import parley
from parley import files


def path_of(variable, default):
    return os.environ.get(variable, os.path.join(root, default))


def wilson(p, n, z=1.959963984540054):
    """The 95% Wilson score interval (low, high) of shares p from n trials."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


run_path = path_of("PARLEY_RUN", "results/miami-2025.h5")
sweep_path = path_of("PARLEY_SWEEP", "results/miami-2025-sweep.h5")
posterior_path = path_of("PARLEY_POSTERIOR", "results/miami-2025-posterior.h5")
posterior_run_path = path_of("PARLEY_POSTERIOR_RUN", "results/posterior.h5")
figures = path_of("PARLEY_FIGURES", "results/figures")
os.makedirs(figures, exist_ok=True)

# What is missing is made through the module (a few seconds each); PARLEY_NOTEBOOK_RUNS makes
# fewer runs, for a quick look (and the tests).
scenario = os.path.join(root, "scenarios", "miami-2025.toml")
observed = os.path.join(root, "scenarios", "observations", "miami-2025.toml")
smaller = os.environ.get("PARLEY_NOTEBOOK_RUNS")
n = int(smaller) if smaller else None
making = [
    (run_path, lambda: parley.run(scenario, runs=n, out=run_path)),
    (sweep_path, lambda: parley.sweep(scenario, {"agents.ukraine.war_cost": "0.05:0.25:5"},
                                      runs=n or 2000, out=sweep_path)),
    (posterior_path, lambda: parley.call("calibrate", scenario, "--observed", observed, "-o",
                                         posterior_path, "-q", *(["--particles", smaller] if smaller else []),
                                         progress=True)),
    (posterior_run_path, lambda: parley.run(scenario, runs=n, posterior=posterior_path,
                                            out=posterior_run_path)),
]
for path, make in making:
    if not os.path.exists(path):
        if parley.version is None:
            print("no", os.path.relpath(path, root), "and no compiled module to make it: build it with scripts/demo")
            continue
        print("making", os.path.relpath(path, root))
        make()
    else:
        # An existing file is used as it is, whoever made it: say which, so that a file another
        # command wrote (the demo, a README command) is not mistaken for the notebook's own.
        made = files.header(path)
        print("using", os.path.relpath(path, root), "made", made.get("created_utc", "?"), "by:",
              made.get("command_line", "?"), "(delete it, or set its variable, for another)")

runs = files.group(run_path, "runs", allowed=(files.RUNS,))
summary = files.group(run_path, "summary", allowed=(files.RUNS,))
grid = files.group(sweep_path, "grid", allowed=(files.SWEEP,))
outcomes = files.decode_flags(runs.outcome)
names, counts = np.unique(outcomes, return_counts=True)
print(f"{runs.sizes['run']} runs, P(agreement) = {float(summary.p_agreement):.3f};",
      ", ".join(f"{n} {c}" for n, c in zip(names, counts)))

# %% [markdown]
# ## P(agreement) along the sweep
# The first varied key is the x axis; further keys, if any, give one line per value.

# %%
keys = [d for d in grid.p_agreement.dims]
x = keys[0]
# The varied key's unit, as the runs group gives it for the sampled or overridden parameter.
sweep_runs = files.group(sweep_path, "runs", allowed=(files.SWEEP,))
x_attrs = sweep_runs[x].attrs if x in sweep_runs else {}
x_unit = files.text(x_attrs.get("units", x_attrs.get("units_note", "")))
x_label = f"{x} ({x_unit})" if x_unit else x
fig, ax = plt.subplots(figsize=(7, 4.5))
others = keys[1:]
slices = [{}] if not others else [{others[0]: v} for v in grid[others[0]].values]
for where in slices:
    p = grid.p_agreement.sel(where)
    lo = grid.p_agreement_low.sel(where)
    hi = grid.p_agreement_high.sel(where)
    if p.ndim > 1:  # more than two varied keys: average over the rest
        p, lo, hi = (a.mean([d for d in a.dims if d != x]) for a in (p, lo, hi))
    label = ", ".join(f"{k} = {v:g}" for k, v in where.items()) or "P(agreement)"
    xs = grid[x].values if x in grid.coords else np.arange(p.size)
    ax.plot(xs, p.values, marker="o", label=label)
    ax.fill_between(xs, lo.values, hi.values, alpha=0.25)
ax.set_xlabel(x_label)
ax.set_ylabel("P(agreement), 95% Wilson band")
ax.set_ylim(0, 1)  # a probability: its whole scale, so that a small change looks small
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(figures, "p_agreement_sweep.png"), dpi=100)

# %% [markdown]
# ## Paired differences along the sweep
# Every point of a sweep runs the same random numbers: run i draws the same preferences and
# shocks at every point (common random numbers). The change in P(agreement) from the first point
# is therefore best estimated run by run: the mean of the paired differences, whose standard
# error is smaller than that of two independent shares where the runs agree at both points.

# %%
table = (sweep_runs[["point", "run_index", "agreement"]].to_dataframe()
         .pivot(index="run_index", columns="point", values="agreement"))
base = table[0]
points = table.columns.values
xs = grid[x].values if x in grid.coords and grid[x].size == len(points) else points
diff = np.array([(table[k] - base).mean() for k in points])
se_paired = np.array([(table[k] - base).std(ddof=1) / np.sqrt(len(table)) for k in points])
se_unpaired = np.array([np.sqrt(table[k].var(ddof=1) / len(table) + base.var(ddof=1) / len(table))
                        for k in points])
fig, ax = plt.subplots(figsize=(7, 4))
ax.errorbar(xs, diff, yerr=1.96 * se_unpaired, fmt="none", ecolor="0.7", elinewidth=6,
            label="95% interval as independent samples")
ax.errorbar(xs, diff, yerr=1.96 * se_paired, fmt="o-", capsize=3,
            label="95% interval of the paired differences")
ax.axhline(0, color="black", linewidth=0.8)
ax.set_xlabel(x_label)
ax.set_ylabel("change in P(agreement) from the first point")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(figures, "p_agreement_paired.png"), dpi=100)
ratio = se_unpaired[1:] / np.where(se_paired[1:] > 0, se_paired[1:], np.nan)
print("standard error, independent / paired, by point:", np.round(ratio, 2))

# %% [markdown]
# ## Deal terms, in natural units

# %%
deals = runs.deal.where(runs.agreement == 1).dropna("run", how="all")
issues = list(runs.issue.values)
fig, axes = plt.subplots(1, len(issues), figsize=(2.6 * len(issues), 3))
for ax, issue in zip(np.atleast_1d(axes), issues):
    values = deals.sel(issue=issue).values
    if values.size:
        ax.hist(values, bins=30, color="tab:purple")
    ax.set_title(issue, fontsize=9)
    unit = files.text(runs.issue_unit.sel(issue=issue).values)
    ax.set_xlabel(f"deal term ({unit})", fontsize=8)
    ax.set_ylabel("deals", fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(figures, "deal_terms.png"), dpi=100)

# %% [markdown]
# ## Principal obstacles

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
shares = summary.obstacle_share.to_series().sort_values()
ax.barh(shares.index.astype(str), shares.values, color="tab:orange")
ax.set_xlabel("share of runs whose principal obstacle it was")
fig.tight_layout()
fig.savefig(os.path.join(figures, "obstacles.png"), dpi=100)

# %% [markdown]
# ## Whether deals hold
# With `[durability]` every deal is followed after its signature; `summary/survival` is the
# share of a group's deals still holding t rounds later (Kaplan–Meier), for all deals and by
# the term `durability.by`. The band is a 95% Wilson interval.

# %%
if "survival" in summary:
    fig, ax = plt.subplots(figsize=(7, 4))
    for group in summary.survival_group.values:
        n = float(summary.survival_deals.sel(survival_group=group))
        if n < 30:
            continue
        s = summary.survival.sel(survival_group=group)
        t = s.after_round.values
        low, high = wilson(s.values, n)
        line, = ax.step(t, s.values, where="post", label=f"{group} ({int(n)})")
        ax.fill_between(t, low, high, step="post", alpha=0.15, color=line.get_color())
    ax.set_xlabel("rounds after the signature")
    ax.set_ylabel("deals still holding")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(figures, "survival.png"), dpi=100)

# %% [markdown]
# ## Tornado chart: which sampled parameters go with agreement
# Spearman rank correlations stored by `parley run` in `summary/spearman`, with their 95%
# intervals (`spearman_low`, `spearman_high`); inside the grey band (`spearman_noise`) a
# coefficient is noise. The twelve largest are drawn.

# %%
sp = summary.sel(target="agreement")
rho = sp.spearman.to_series().dropna()
top = rho.reindex(rho.abs().sort_values().index)[-12:]
low = sp.spearman_low.to_series().reindex(top.index)
high = sp.spearman_high.to_series().reindex(top.index)
noise = float(sp.spearman_noise)
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.axvspan(-noise, noise, color="0.85", label=f"noise (|rho| < {noise:.3f})")
ax.barh(top.index.astype(str), top.values, color=np.where(top.values > 0, "tab:green", "tab:red"),
        xerr=[top.values - low.values, high.values - top.values], capsize=2)
ax.axvline(0, color="black", linewidth=0.8)
ax.set_xlabel("Spearman's rho with agreement, 95% interval")
ax.legend(fontsize=7, loc="lower right")
fig.tight_layout()
fig.savefig(os.path.join(figures, "tornado.png"), dpi=100)

# %% [markdown]
# ## Calibration: prior against posterior, and the forecast
# `parley calibrate` keeps every generation: generation 0 is a sample of the prior, the last
# one the posterior given the observations. The six parameters whose means moved most (in prior
# standard deviations) are drawn, then P(agreement by round) of the runs drawn from the
# posterior (`parley run --posterior`) against the run above, each with its 95% Wilson band.

# %%
if os.path.exists(posterior_path) and os.path.exists(posterior_run_path):
    post = files.group(posterior_path, "posterior", allowed=(files.POSTERIOR,))
    keys = files.text(files.header(posterior_path)["parameters"]).splitlines()
    w = post.weight.isel(generation=-1).values
    def shift(k):
        prior = post[k].isel(generation=0).values
        return (np.sum(w * post[k].isel(generation=-1).values) - prior.mean()) / prior.std()
    moved = sorted(keys, key=lambda k: -abs(shift(k)))[:6]
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.5))
    for ax, k in zip(axes.ravel(), moved):
        prior = post[k].isel(generation=0).values
        bins = np.histogram_bin_edges(prior, bins=25)
        ax.hist(prior, bins=bins, density=True, alpha=0.5, label="prior")
        ax.hist(post[k].isel(generation=-1).values, bins=bins, weights=w, density=True, alpha=0.5,
                label="posterior")
        ax.set_title(f"{k}\nshift {shift(k):+.2f} sd", fontsize=7)
        ax.set_ylabel("density", fontsize=7)
    axes.ravel()[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(figures, "posterior_marginals.png"), dpi=100)

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, path in (("prior", run_path), ("posterior", posterior_run_path)):
        s = files.group(path, "summary", allowed=(files.RUNS,))
        n, p = float(s.runs), s.deal_by.values
        low, high = wilson(p, n)
        line, = ax.step(s.by_round.values, p, where="post", label=f"{label} ({int(n)} runs)")
        ax.fill_between(s.by_round.values, low, high, step="post", alpha=0.2,
                        color=line.get_color())
    ax.set_xlabel("round of the talks")
    ax.set_ylabel("P(agreement by the round)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(figures, "forecast.png"), dpi=100)
else:
    print(f"no {posterior_path} or {posterior_run_path}: the calibration section is skipped "
          "(docs/cli.md, 'Calibrating to what was observed', makes them)")
print(sorted(os.listdir(figures)))
