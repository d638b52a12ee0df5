"""Multi-objective search against its true fronts (issue 29): hypervolume ratio after N
queries and queries to 0.95 / 0.99 of the true hypervolume, per method and seed.

Tasks: NB201 cifar10 accuracy x edgegpu_latency, cifar100 x pixel3_latency,
ImageNet16-120 x params_mb (parameters are analytic: declared known), NAS-Bench-Graph
arxiv and pubmed x latency_s. The ratio is the hypervolume of the evaluated
architectures' true values (mean validation accuracy, the metric) over the true front's,
from each metric's median over the space. A run that never reaches a level counts as
the budget.

    python benchmarks/multi_objective.py --data ../shared/data --seeds 0-99 \
        --methods weaknas,weaknas-nds --out /tmp/choice
    python benchmarks/multi_objective.py --data ../shared/data --seeds 100-199 \
        --out benchmarks/results/multi_objective
    python benchmarks/multi_objective.py --collect benchmarks/results/multi_objective

A long run can be split (by method or task, each part to its own ``--out``) and joined:
``--collect DEST --parts PART1 PART2 ...`` concatenates the parts' files into DEST.

Writes to ``--out``: ``seeds.csv`` (one row per task, method and seed), ``curves.csv``
(the ratio after every 10 queries, per run), ``fronts.csv`` (the true front and, for the
first seed, each method's evaluated architectures at the budget, true values), ``table.md``
and the figures ``ratio_vs_queries.png`` and ``fronts.png``; ``--collect`` redraws the
table and figures from those files without running a search.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon
from seed_ranges import parse_seeds  # benchmarks/seed_ranges.py

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.study.statistics import bootstrap_interval

BUDGET = 200
CURVE_STEP = 10
AT = (50, 100, 200)
LEVELS = (0.95, 0.99)
TASKS = {  # name: (benchmark, second objective, declared known)
    "nb201-cifar10 x edgegpu_latency": ("nb201-cifar10", "edgegpu_latency", False),
    "nb201-cifar100 x pixel3_latency": ("nb201-cifar100", "pixel3_latency", False),
    "nb201-imagenet16 x params_mb": ("nb201-imagenet16", "params_mb", True),
    "nbgraph-arxiv x latency_s": ("nbgraph-arxiv", "latency_s", False),
    "nbgraph-pubmed x latency_s": ("nbgraph-pubmed", "latency_s", False),
}
METHODS = {
    "weaknas": {},  # the default: predicted hypervolume improvement (NB201: graph features)
    "weaknas-nds": {"pareto_picks": "nds"},
    # NB201 only: the default encoding before issue 30 made the graph features (graf) it
    "weaknas-counts": {"encoding": "onehot+counts"},
    "random": {"strategy": "random"},
    "nsga2": {"strategy": "nsga2"},
    "tpe": {"strategy": "tpe"},  # Optuna's multi-objective TPE
}
REFERENCE = "weaknas"
_benchmarks: dict = {}


def run_one(job: tuple[str | None, str, str, int]) -> dict:
    data, task, method, seed = job
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    name, metric, known = TASKS[task]
    if name not in _benchmarks:
        _benchmarks[name] = load_benchmark(name, data if name.startswith("nb201") else None)
    config = SearchConfig(
        benchmark=name,
        budget=BUDGET,
        objectives=f"accuracy:max,{metric}:min",
        known=[metric] if known else [],
        **METHODS[method],
    )
    started = time.perf_counter()
    result = run_search(_benchmarks[name], config, seed)
    seconds = time.perf_counter() - started
    ratios = result.iterations[["n_queries", "hypervolume_ratio"]]
    row = {"task": task, "method": method, "seed": seed, "seconds": seconds}
    for n in AT:
        row[f"ratio@{n}"] = float(ratios.loc[ratios["n_queries"] >= n, "hypervolume_ratio"].iloc[0])
    for level in LEVELS:
        reached = result.summary[f"queries_to_hypervolume_{level}"]
        row[f"q{level}"] = BUDGET if reached is None else reached
        row[f"reached{level}"] = reached is not None
    row["true_front_size"] = result.summary["true_front_size"]
    row["reference_point"] = str(result.summary["reference_point"])
    every = np.arange(CURVE_STEP, BUDGET + 1, CURVE_STEP)
    row["curve"] = [
        float(ratios.loc[ratios["n_queries"] >= n, "hypervolume_ratio"].iloc[0]) for n in every
    ]
    evaluated = result.evaluations
    column = TASKS[task][1]
    row["front"] = list(zip(evaluated["val_mean"], evaluated[column], strict=True))
    return row


def true_front(task: str, data: str | None) -> pd.DataFrame:
    """The task's true front (mean validation accuracy and the metric)."""
    from weaknas.pareto import parse_objectives
    from weaknas.runner.observers import BenchmarkObserver

    name, metric, _ = TASKS[task]
    bench = load_benchmark(name, data if name.startswith("nb201") else None)
    observer = BenchmarkObserver(bench)
    observer.watch_objectives(parse_objectives(f"accuracy:max,{metric}:min"), {})
    points = observer.truth[observer.true_front]
    return pd.DataFrame({"task": task, "accuracy": points[:, 0], "metric": points[:, 1]})


def table(rows: pd.DataFrame) -> str:
    lines = [
        f"Budget {BUDGET}; a level never reached counts as {BUDGET}. Ratio: hypervolume of "
        "the evaluated architectures' true values over the true front's (reference: each "
        "metric's median over the space). Mean [95% bootstrap CI]; p: two-sided Wilcoxon "
        f"signed-rank of queries to 0.95 against {REFERENCE}, paired by seed. Cost: median "
        "seconds per run (one core).",
        "",
    ]
    for task, of_task in rows.groupby("task", sort=False):
        first = of_task.iloc[0]
        lines += [
            f"### {task} (true front: {first['true_front_size']} architectures; reference "
            f"{first['reference_point']})",
            "",
            "| method | seeds | median ratio @50 | @100 | @200 | queries to 0.95: mean [CI] "
            "| median | reached | p | queries to 0.99: mean | reached | cost (s) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        base = of_task[of_task["method"] == REFERENCE].set_index("seed")["q0.95"]
        for method, of_method in of_task.groupby("method", sort=False):
            q = of_method.set_index("seed")["q0.95"]
            low, high = bootstrap_interval(q.to_numpy(float), np.mean)
            p = ""
            if method != REFERENCE and len(base):
                paired = q.reindex(base.index).dropna()
                both = base.loc[paired.index]
                if len(paired) and (paired != both).any():
                    p_value = wilcoxon(paired, both).pvalue
                    p = "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"
            lines.append(
                f"| {method} | {len(of_method)} | "
                + " | ".join(f"{of_method[f'ratio@{n}'].median():.3f}" for n in AT)
                + f" | {q.mean():.1f} [{low:.1f}, {high:.1f}] | {q.median():.1f} | "
                f"{int(of_method['reached0.95'].sum())} | {p} | "
                f"{of_method['q0.99'].mean():.1f} | {int(of_method['reached0.99'].sum())} | "
                f"{of_method['seconds'].median():.2f} |"
            )
        lines.append("")
    return "\n".join(lines)


def figures(curves: pd.DataFrame, fronts: pd.DataFrame, out: Path) -> None:
    """Median ratio vs queries per task and method; the true front against each
    method's evaluated architectures (first seed, at the budget)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(dict.fromkeys(curves["task"]))
    # one colour per method in every panel (a method may run on some tasks only)
    colour = {method: f"C{i}" for i, method in enumerate(dict.fromkeys(curves["method"]))}
    fig, axes = plt.subplots(1, len(tasks), figsize=(4 * len(tasks), 3.4), squeeze=False)
    for ax, task in zip(axes[0], tasks, strict=True):
        of_task = curves[curves["task"] == task]
        for method, rows in of_task.groupby("method", sort=False):
            ax.plot(
                rows["queries"].unique(),
                rows.groupby("queries")["ratio"].median(),
                label=method,
                color=colour[method],
            )
        ax.axhline(0.95, color="grey", lw=0.5, ls="--")
        ax.set(title=task, xlabel="queries", ylim=(0, 1.01))
    axes[0][0].set_ylabel("hypervolume ratio (median over seeds)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "ratio_vs_queries.png", dpi=110)
    plt.close(fig)
    fig, axes = plt.subplots(1, len(tasks), figsize=(4 * len(tasks), 3.4), squeeze=False)
    for ax, task in zip(axes[0], tasks, strict=True):
        of_task = fronts[fronts["task"] == task]
        for method, rows in of_task[of_task["method"] != "true front"].groupby(
            "method", sort=False
        ):
            ax.scatter(
                rows["metric"],
                rows["accuracy"],
                s=6,
                alpha=0.5,
                label=method,
                color=colour.get(method, "grey"),
            )
        truth = of_task[of_task["method"] == "true front"].sort_values("metric")
        ax.step(truth["metric"], truth["accuracy"], where="post", color="black", label="true front")
        ax.set(title=task, xlabel=TASKS[task][1], ylim=(truth["accuracy"].median() - 5, None))
    axes[0][0].set_ylabel("mean validation accuracy")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "fronts.png", dpi=110)
    plt.close(fig)


def write(frame: pd.DataFrame, curves: pd.DataFrame, fronts: pd.DataFrame, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "seeds.csv", index=False)
    curves.to_csv(out / "curves.csv", index=False)
    fronts.to_csv(out / "fronts.csv", index=False)
    (out / "table.md").write_text(table(frame))
    figures(curves, fronts, out)


def join_parts(parts: list[Path], out: Path) -> None:
    """One folder's seeds, curves and fronts from runs split by method or task."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("seeds.csv", "curves.csv", "fronts.csv"):
        joined = pd.concat([pd.read_csv(part / name) for part in parts], ignore_index=True)
        if name == "fronts.csv":  # every part wrote its tasks' true fronts: keep one
            truth = joined["method"] == "true front"
            joined = pd.concat([joined[~truth], joined[truth].drop_duplicates()])
        key = ["task", "method", "seed"] if name == "seeds.csv" else None
        if key and joined.duplicated(key).any():
            raise SystemExit(f"{name}: the parts share a (task, method, seed) row")
        joined.to_csv(out / name, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with nb201.csv.gz and nb201_hwnasbench.csv.gz")
    parser.add_argument("--seeds", default="0-99")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated task names")
    parser.add_argument("--out", type=Path, help="folder for seeds.csv and table.md")
    parser.add_argument("--collect", type=Path, help="rebuild table.md from FOLDER/seeds.csv")
    parser.add_argument(
        "--parts", type=Path, nargs="+", help="with --collect: join these runs' files first"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="processes")
    args = parser.parse_args()
    if args.collect and args.parts:
        join_parts(args.parts, args.collect)
    if args.collect:
        rows = pd.read_csv(args.collect / "seeds.csv")
        (args.collect / "table.md").write_text(table(rows))
        curves = args.collect / "curves.csv"
        if curves.is_file():
            figures(pd.read_csv(curves), pd.read_csv(args.collect / "fronts.csv"), args.collect)
        print(table(rows))
        return
    seeds = parse_seeds(args.seeds)
    tasks = [t.strip() for t in args.tasks.split(",")]
    methods = args.methods.split(",")
    jobs = [(args.data, t, m, s) for t in tasks for m in methods for s in seeds]
    rows, curves, fronts = [], [], []
    partial = args.out / "seeds.partial.csv" if args.out else None
    if partial is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
    with ProcessPoolExecutor(args.workers) as pool:
        for row in pool.map(run_one, jobs, chunksize=4):
            if partial is not None:  # results as they come: a long run keeps what it did
                shown = {k: v for k, v in row.items() if k not in ("curve", "front")}
                pd.DataFrame([shown]).to_csv(
                    partial, mode="a", header=not partial.is_file(), index=False
                )
            for i, ratio in enumerate(row.pop("curve"), start=1):
                curves.append((row["task"], row["method"], row["seed"], i * CURVE_STEP, ratio))
            front = row.pop("front")
            if row["seed"] == seeds[0]:
                fronts += [(row["task"], row["method"], a, m) for a, m in front]
            rows.append(row)
        truths = list(pool.map(true_front, tasks, [args.data] * len(tasks)))
    frame = pd.DataFrame(rows)
    curve_table = pd.DataFrame(curves, columns=["task", "method", "seed", "queries", "ratio"])
    front_table = pd.DataFrame(fronts, columns=["task", "method", "accuracy", "metric"])
    for truth in truths:
        front_table = pd.concat([front_table, truth.assign(method="true front")])
    print(table(frame), flush=True)
    if args.out:
        write(frame, curve_table, front_table[["task", "method", "accuracy", "metric"]], args.out)
        if partial is not None:
            partial.unlink(missing_ok=True)  # seeds.csv holds them all now


if __name__ == "__main__":
    main()
