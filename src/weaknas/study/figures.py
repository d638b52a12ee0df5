"""``weaknas report``: a study's tables plus matplotlib figures (PNG) in one markdown file.

Figures: accuracy vs queries (mean ± std band per method), box plots of queries to the
optimum, the predictor's rank correlation per iteration, and a t-SNE map of the space
with one run's samples by iteration (the paper's "search dynamics" figure).

The per-iteration figures are drawn from two small files the report writes beside its
tables, so a copy of the report can be redrawn without the study's per-query files (which
run to hundreds of MB for 100 seeds): ``curves.parquet`` (every run's accuracy and
predictor correlation every 10 queries) and ``tsne_run.csv`` (the architectures the map's
run evaluated, by iteration).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from weaknas.errors import DataFileError
from weaknas.runner.output import ITERATIONS
from weaknas.study.report import write_report
from weaknas.study.study import RUNS, SEEDS_TABLE, STUDY

FIGURES = "figures"
CURVES = "curves.parquet"  # per run, every GRID_STEP queries: what the curve figures draw
TSNE_RUN = "tsne_run.csv"  # the one run the t-SNE map shows: index and iteration per query
GRID_STEP = 10
ACCURACY_PNG = "accuracy_vs_queries.png"
CORRELATION_PNG = "predictor_correlation.png"
TSNE_PNG = "search_dynamics_tsne.png"
CURVE_COLUMNS = ("pick_test", "pick_val_mean", "kendall_tau_top100", "kendall_tau_all")
TSNE_BACKGROUND = 3000  # architectures drawn from the space behind one run's samples


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("figures need matplotlib: pip install 'weaknas[report]'") from exc
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _read(folder: Path, name: str, required: bool = True) -> pd.DataFrame | None:
    path = folder / name
    if not path.is_file():
        if required:
            raise DataFileError(folder, f"no {name}; is this a folder written by 'weaknas study'?")
        return None
    return pd.read_parquet(path)


def _panels(plt, count: int):
    """One panel per benchmark, side by side."""
    fig, axes = plt.subplots(1, count, figsize=(5.5 * count, 4.2))
    return fig, np.atleast_1d(axes)


def _save(plt, fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def query_grid(budget: int) -> np.ndarray:
    """Every ``GRID_STEP`` queries up to ``budget``, and the budget itself."""
    return np.unique(np.r_[np.arange(GRID_STEP, budget + 1, GRID_STEP), budget])


def _last_iteration_at(n_queries: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """For each N in ``grid``, the run's last iteration that ended at or before N; -1
    before its first and after its end."""
    at = np.searchsorted(n_queries, grid, side="right") - 1
    at[grid > n_queries[-1]] = -1
    return at


def curves_on_grid(iterations: pd.DataFrame, column: str, grid: np.ndarray) -> pd.DataFrame:
    """Each run's ``column`` after N queries for N in ``grid`` (NaN outside the run).

    One row per (method, benchmark, seed); a run's value at N is its value after the
    last iteration that ended at or before N.
    """
    rows = []
    for key, run in iterations.groupby(["method", "benchmark", "seed"], sort=False):
        at = _last_iteration_at(run["n_queries"].to_numpy(), grid)
        values = run[column].to_numpy(float)
        rows.append((*key, np.where(at >= 0, values[np.maximum(at, 0)], np.nan)))
    return pd.DataFrame(rows, columns=["method", "benchmark", "seed", "curve"])


def study_curves(iterations: pd.DataFrame) -> pd.DataFrame:
    """Every run's accuracy and predictor correlation after N queries, N on
    ``query_grid``: one row per (method, benchmark, seed, N) within the run, the columns of
    ``CURVE_COLUMNS`` the iterations hold, as float32. What the accuracy and correlation
    figures draw, small enough to keep beside a report."""
    grid = query_grid(int(iterations["n_queries"].max()))
    columns = [c for c in CURVE_COLUMNS if c in iterations]
    frames = []
    for (method, benchmark, seed), run in iterations.groupby(
        ["method", "benchmark", "seed"], sort=False
    ):
        at = _last_iteration_at(run["n_queries"].to_numpy(), grid)
        inside = at >= 0
        frames.append(
            pd.DataFrame(
                {
                    "method": method,
                    "benchmark": benchmark,
                    "seed": seed,
                    "n_queries": grid[inside],
                    **{c: run[c].to_numpy(np.float32)[at[inside]] for c in columns},
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _stacked(runs: pd.DataFrame, column: str, grid: np.ndarray) -> np.ndarray:
    """(runs x grid) values of one column from ``study_curves`` rows: NaN before a run's
    first iteration, and a finished run's last value held to the end of the grid. A run
    stopped at the optimum still holds its best; leaving it out would average the later
    points over the unlucky runs alone."""
    table = runs.pivot(index="seed", columns="n_queries", values=column).reindex(columns=grid)
    return table.ffill(axis=1).to_numpy(float)


def _accuracy_figure(plt, curves: pd.DataFrame, path: Path) -> str:
    column = (
        "pick_test"
        if "pick_test" in curves and curves["pick_test"].notna().any()
        else "pick_val_mean"
    )
    grid = np.unique(curves["n_queries"].to_numpy())
    budget = int(grid.max())
    benchmarks = list(dict.fromkeys(curves["benchmark"]))
    fig, axes = _panels(plt, len(benchmarks))
    for ax, benchmark in zip(axes, benchmarks, strict=True):
        lows = []
        of_benchmark = curves[curves["benchmark"] == benchmark]
        for method, runs in of_benchmark.groupby("method", sort=False):
            stacked = _stacked(runs, column, grid)
            n_runs = len(stacked)
            with warnings.catch_warnings():  # grid points no run reached: NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                mean, std = np.nanmean(stacked, axis=0), np.nanstd(stacked, axis=0)
            ax.plot(grid, mean, label=f"{method} ({n_runs})")
            ax.fill_between(grid, mean - std, mean + std, alpha=0.15)
            early = mean[grid >= min(100, budget)]
            if np.isfinite(early).any():
                lows.append(np.nanmin(early))
        if lows:
            top = float(of_benchmark[column].max())
            ax.set_ylim(min(lows) - 0.3, top + 0.1)
        ax.set_title(benchmark)
        ax.set_xlabel("queries (architectures evaluated)")
        ax.set_ylabel(
            "test accuracy of best-by-validation (%)"
            if column == "pick_test"
            else "mean validation accuracy of best-by-observed (%)"
        )
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, title="method (seeds)")
    _save(plt, fig, path)
    return "Accuracy vs queries (mean ± std over seeds)"


def _queries_figure(plt, seeds: pd.DataFrame, path: Path) -> str:
    benchmarks = list(dict.fromkeys(seeds["benchmark"]))
    fig, axes = _panels(plt, len(benchmarks))
    for ax, benchmark in zip(axes, benchmarks, strict=True):
        rows = seeds[seeds["benchmark"] == benchmark]
        names, data = [], []
        for method, runs in rows.groupby("method", sort=False):
            q = pd.to_numeric(runs["queries_to_optimum"], errors="coerce").dropna()
            names.append(f"{method}\n{len(q)}/{len(runs)} found")
            data.append(q.to_numpy() if len(q) else np.array([np.nan]))
        ax.boxplot(data, showmeans=True)
        ax.set_xticks(range(1, len(names) + 1), names, rotation=45, ha="right", fontsize=8)
        ax.set_title(benchmark)
        ax.set_ylabel("queries to the optimum (runs that found it)")
        ax.grid(alpha=0.3, axis="y")
    _save(plt, fig, path)
    return "Queries to the optimum (box: quartiles, line: median, triangle: mean)"


def _found_fraction_figure(plt, seeds: pd.DataFrame, path: Path) -> str:
    benchmarks = list(dict.fromkeys(seeds["benchmark"]))
    fig, axes = _panels(plt, len(benchmarks))
    for ax, benchmark in zip(axes, benchmarks, strict=True):
        rows = seeds[seeds["benchmark"] == benchmark]
        horizon = int(pd.to_numeric(rows["n_queries"], errors="coerce").max())
        queries = np.arange(1, horizon + 1)
        for method, runs in rows.groupby("method", sort=False):
            found = pd.to_numeric(runs["queries_to_optimum"], errors="coerce").to_numpy(float)
            fraction = (found[None, :] <= queries[:, None]).mean(axis=1)  # NaN: never
            ax.step(queries, fraction, where="post", label=method)
        ax.set_title(benchmark)
        ax.set_xlabel("queries")
        ax.set_ylabel("fraction of seeds that found the optimum")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    _save(plt, fig, path)
    return "Fraction of seeds that have found the optimum after N queries"


def _correlation_figure(plt, curves: pd.DataFrame, path: Path) -> str | None:
    if "kendall_tau_all" not in curves:
        return None
    with_predictor = curves.groupby(["benchmark", "method"], sort=False)[
        "kendall_tau_all"
    ].transform(lambda t: t.notna().any())
    rows = curves[with_predictor]
    if rows.empty:
        return None
    benchmarks = list(dict.fromkeys(rows["benchmark"]))
    fig, axes = _panels(plt, len(benchmarks))
    for ax, benchmark in zip(axes, benchmarks, strict=True):
        for i, (method, runs) in enumerate(
            rows[rows["benchmark"] == benchmark].groupby("method", sort=False)
        ):
            mean = runs.groupby("n_queries")[["kendall_tau_top100", "kendall_tau_all"]].mean()
            color = f"C{i}"
            ax.plot(mean.index, mean["kendall_tau_top100"], color=color, label=f"{method} top-100")
            ax.plot(
                mean.index, mean["kendall_tau_all"], color=color, ls="--", label="  whole space"
            )
        ax.set_title(benchmark)
        ax.set_xlabel("queries")
        ax.set_ylabel("Kendall tau, prediction vs truth")
        ax.axhline(0, color="grey", lw=0.8)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    _save(plt, fig, path)
    return (
        "Predictor rank correlation per iteration (mean over seeds): solid on the true "
        "top-100 architectures, dashed on the whole space"
    )


def _study_data(folder: Path, benchmark: str) -> str | None:
    """The ``--data`` a study folder's runs of ``benchmark`` used."""
    for path in sorted(folder.rglob(STUDY)):
        stored = json.loads(path.read_text())
        if stored.get("config", {}).get("benchmark") == benchmark:
            return stored.get("data")
    return None


def tsne_run(runs: pd.DataFrame) -> pd.DataFrame:
    """The run the t-SNE map shows (the first WeakNAS method's lowest seed on its first
    benchmark): method, benchmark, seed, index and iteration of each query, in order."""
    predictor_methods = [m for m in dict.fromkeys(runs["method"]) if str(m).startswith("weaknas")]
    method = predictor_methods[0] if predictor_methods else runs["method"].iloc[0]
    run = runs[runs["method"] == method]
    benchmark_name = run["benchmark"].iloc[0]
    run = run[(run["benchmark"] == benchmark_name) & (run["seed"] == run["seed"].min())]
    return run[["method", "benchmark", "seed", "index", "iteration"]].reset_index(drop=True)


def tsne_figure(run: pd.DataFrame, data: str | None, path: Path) -> str:
    """Draw the search-dynamics map of ``run`` (``tsne_run``'s rows) on its benchmark,
    read from ``data`` (None: the benchmark's default source), into ``path``; its caption."""
    from sklearn.manifold import TSNE

    from weaknas.benchmarks import load_benchmark

    plt = _pyplot()
    method, benchmark_name = run["method"].iloc[0], run["benchmark"].iloc[0]
    benchmark = load_benchmark(benchmark_name, data)
    space = benchmark.space
    rng = np.random.default_rng(0)
    background = rng.choice(space.size, min(TSNE_BACKGROUND, space.size), replace=False)
    sampled = run["index"].to_numpy()
    points = np.unique(np.r_[background, sampled, benchmark.optimum_index])
    features = np.asarray(space.encode(space.search_encoding)[points], dtype=np.float32)
    xy = TSNE(n_components=2, init="pca", random_state=0, perplexity=30).fit_transform(features)
    where = {int(p): i for i, p in enumerate(points)}
    fig, ax = plt.subplots(figsize=(7, 6))
    scatter = ax.scatter(
        xy[:, 0], xy[:, 1], c=benchmark.val_mean[points], cmap="Greys", s=6, alpha=0.5
    )
    fig.colorbar(scatter, ax=ax, label="mean validation accuracy (%)")
    rows = [where[int(i)] for i in sampled]
    samples = ax.scatter(
        xy[rows, 0], xy[rows, 1], c=run["iteration"], cmap="viridis", s=14, edgecolor="none"
    )
    fig.colorbar(samples, ax=ax, label="iteration of the search")
    best = where[benchmark.optimum_index]
    ax.scatter(xy[best, 0], xy[best, 1], marker="*", s=260, c="red", edgecolor="k", label="optimum")
    ax.legend(loc="upper right")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{method} on {benchmark_name}, seed {int(run['seed'].iloc[0])}")
    _save(plt, fig, path)
    return (
        f"Search dynamics (t-SNE of {space.search_encoding} features; {len(points)} "
        "architectures: a uniform sample of the space in grey by accuracy, one run's "
        "samples coloured by iteration)"
    )


def _ratio_figure(plt, iterations: pd.DataFrame, path: Path) -> str:
    """Several objectives: the hypervolume ratio against queries, median over seeds."""
    grid = query_grid(int(iterations["n_queries"].max()))
    curves = curves_on_grid(iterations, "hypervolume_ratio", grid)
    benchmarks = list(dict.fromkeys(curves["benchmark"]))
    fig, axes = _panels(plt, len(benchmarks))
    for ax, benchmark in zip(axes, benchmarks, strict=True):
        for method, runs in curves[curves["benchmark"] == benchmark].groupby("method", sort=False):
            stacked = np.vstack(runs["curve"].to_numpy())
            with warnings.catch_warnings():  # grid points no run reached: NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                median = np.nanmedian(stacked, axis=0)
                low, high = np.nanpercentile(stacked, [25, 75], axis=0)
            ax.plot(grid, median, label=f"{method} ({len(runs)})")
            ax.fill_between(grid, low, high, alpha=0.15)
        for level in (0.95, 0.99):
            ax.axhline(level, color="grey", lw=0.6, ls="--")
        ax.set_title(benchmark)
        ax.set_xlabel("queries (architectures evaluated)")
        ax.set_ylabel("hypervolume ratio (evaluated / true front)")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, title="method (seeds)")
    _save(plt, fig, path)
    return "Hypervolume ratio vs queries (median over seeds, band: quartiles)"


def _fronts_figure(plt, folder: Path, runs: pd.DataFrame | None, path: Path) -> str | None:
    """Several objectives: the true front and each method's evaluated architectures (its
    first seed), in the first two objectives' true values."""
    if runs is None or runs.empty:
        return None
    benchmarks = list(dict.fromkeys(runs["benchmark"]))
    fig, axes = _panels(plt, len(benchmarks))
    for ax, benchmark in zip(axes, benchmarks, strict=True):
        of_benchmark = runs[runs["benchmark"] == benchmark]
        truth = None
        for method, rows in of_benchmark.groupby("method", sort=False):
            seed = int(rows["seed"].min())
            front_file = (
                folder / benchmark / method / "seeds" / f"seed_{seed:04d}" / "true_front.parquet"
            )
            if truth is None and front_file.is_file():
                truth = pd.read_parquet(front_file)
            if truth is None:
                continue
            x, y = truth.columns[3], truth.columns[2]  # second objective, then accuracy
            first = rows[rows["seed"] == seed]
            ax.scatter(first[x], first[y], s=8, alpha=0.5, label=f"{method} (seed {seed})")
        if truth is None:
            continue
        x, y = truth.columns[3], truth.columns[2]
        ordered = truth.sort_values(x)
        ax.step(ordered[x], ordered[y], where="post", color="black", label="true front")
        low = float(np.nanpercentile(of_benchmark[y], 10))  # the dead networks cut off
        ax.set_ylim(low, float(truth[y].max()) + 0.3 * (float(truth[y].max()) - low) / 10)
        ax.set_title(benchmark)
        ax.set_xlabel(x)
        ax.set_ylabel(f"{y} (true)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    _save(plt, fig, path)
    return "The true front and the architectures each method evaluated (its first seed)"


def curve_figures(curves: pd.DataFrame, out: Path) -> list[tuple[str, str]]:
    """The accuracy and predictor-correlation figures drawn from ``study_curves`` rows
    into ``out``: (caption, file name) of each. A committed ``curves.parquet`` rebuilds
    them (``benchmarks/regenerate.py``)."""
    if curves.empty:
        return []
    plt = _pyplot()
    out.mkdir(exist_ok=True)
    drawn = [(_accuracy_figure(plt, curves, out / ACCURACY_PNG), ACCURACY_PNG)]
    caption = _correlation_figure(plt, curves, out / CORRELATION_PNG)
    if caption:
        drawn.append((caption, CORRELATION_PNG))
    return drawn


def seed_figures(seeds: pd.DataFrame, out: Path) -> list[tuple[str, str]]:
    """The figures drawn from the per-seed table alone (queries to the optimum, found
    fraction) into ``out``: (caption, file name) of each. A committed ``seeds.csv``
    rebuilds them (``benchmarks/regenerate.py``)."""
    plt = _pyplot()
    out.mkdir(exist_ok=True)
    return [
        (_queries_figure(plt, seeds, out / "queries_to_optimum.png"), "queries_to_optimum.png"),
        (_found_fraction_figure(plt, seeds, out / "found_fraction.png"), "found_fraction.png"),
    ]


def build_report(folder: str | Path, tsne: bool = True) -> Path:
    """Write ``figures/*.png`` and ``report.md`` (tables + figures) into a study folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError(folder, "no such study folder")
    seeds = _read(folder, SEEDS_TABLE)
    assert seeds is not None  # required: _read raised otherwise
    iterations = _read(folder, ITERATIONS, required=False)
    plt = _pyplot()
    out = folder / FIGURES
    out.mkdir(exist_ok=True)
    figures = []
    if "hypervolume_ratio" in seeds and iterations is not None and not iterations.empty:
        figures.append(
            (
                _ratio_figure(plt, iterations, out / "ratio_vs_queries.png"),
                f"{FIGURES}/ratio_vs_queries.png",
            )
        )
        caption = _fronts_figure(
            plt, folder, _read(folder, RUNS, required=False), out / "fronts.png"
        )
        if caption:
            figures.append((caption, f"{FIGURES}/fronts.png"))
        path = folder / "report.md"
        write_report(path, seeds, title=f"Study report: {folder.name}", figures=figures)
        return path
    drawn = []
    if iterations is not None and not iterations.empty:
        curves = study_curves(iterations)
        curves.to_parquet(folder / CURVES, index=False)
        drawn = curve_figures(curves, out)
    accuracy = [entry for entry in drawn if entry[1] == ACCURACY_PNG]
    figures = [(caption, f"{FIGURES}/{name}") for caption, name in accuracy]
    figures += [(caption, f"{FIGURES}/{name}") for caption, name in seed_figures(seeds, out)]
    figures += [(caption, f"{FIGURES}/{name}") for caption, name in drawn if name != ACCURACY_PNG]
    runs = _read(folder, RUNS, required=False) if tsne else None
    if runs is not None and not runs.empty:
        run = tsne_run(runs)
        run.to_csv(folder / TSNE_RUN, index=False)
        data = _study_data(folder, run["benchmark"].iloc[0])
        caption = tsne_figure(run, data, out / TSNE_PNG)
        figures.append((caption, f"{FIGURES}/{TSNE_PNG}"))
    path = folder / "report.md"
    write_report(path, seeds, title=f"Study report: {folder.name}", figures=figures)
    return path
