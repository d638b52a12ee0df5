"""Settings the commands share: the search configuration a command line describes, and
the strategy flags no chosen strategy would use (refused rather than ignored)."""

from __future__ import annotations

import argparse

from weaknas.cli.parser import build_parser
from weaknas.strategies.registry import STRATEGIES, strategy_parameters


def search_config(args: argparse.Namespace, **overrides):
    """The ``SearchConfig`` the command line describes (``overrides`` win), with the
    options the chosen strategy takes; invalid settings raise ``ValueError`` here, before
    anything is written."""
    from weaknas.runner import SearchConfig

    strategy = overrides.get("strategy", args.strategy)
    settings = dict(
        benchmark=args.benchmark,
        strategy=strategy,
        budget=args.budget,
        deterministic=args.deterministic,
        stop_at_optimum=args.stop_at_optimum,
        preset=args.preset,
        constraints=tuple(args.constraint or ()),
        known=tuple(args.known or ()),
        objectives=args.objectives or (),
        **{name: getattr(args, name) for name in strategy_parameters(strategy)},
    )
    return SearchConfig(**{**settings, **overrides})


def name_list(text: str | None, default: str, allowed, what: str) -> list[str]:
    """A comma-separated list of names (``--strategies a,b``), each known and listed once."""
    if text is None:
        return [default]
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise ValueError(
            f"--{what} {text!r}: an empty name; list {what} separated by commas, "
            f"e.g. {','.join(sorted(allowed)[:2])}"
        )
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; expected from {sorted(allowed)}")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} listed twice in {text!r}")
    return names


def fmt(value, digits: int = 2) -> str:
    """A number for the summary lines; ``n/a`` for a missing one (None or NaN)."""
    return "n/a" if value is None or value != value else f"{value:.{digits}f}"


# Strategy settings (every strategy's options): a flag given to a strategy that does not
# take it is an error.
STRATEGY_SETTINGS = tuple(
    dict.fromkeys(name for strategy in STRATEGIES for name in strategy_parameters(strategy))
)


# Settings of searches of your own --objective: a table search refuses them.
OBJECTIVE_FLAGS = (
    "space",
    "executor",
    "workers",
    "timeout",
    "address",
    "epochs",
    "pool",
    "flops",
    "width",
    "resolution",
    "eval_images",
    "calib_images",
    "augment",
    "image_size",
    "train_images",
    "device",
    "gpus",
    "workers_per_gpu",
    "reuse_workers",
    "gpus_per_evaluation",
)


def flags(names) -> str:
    """Settings as the flags a user types (``n_init`` -> ``--n-init``), comma-separated."""
    return ", ".join("--" + name.replace("_", "-") for name in names)


def given_options(args: argparse.Namespace, command: str) -> set[str]:
    """The options of ``args`` set to something other than their default."""
    minimal = {"search": ["search"], "study": ["study", "--out", "x"]}[command]
    defaults = vars(build_parser().parse_args(minimal))
    return {name for name, value in vars(args).items() if defaults.get(name, value) != value}


def check_strategy_flags(given: set[str], strategies: list[str]) -> None:
    """A strategy flag that no chosen strategy takes would be ignored: refuse it."""
    for name in STRATEGY_SETTINGS:
        takers = [s for s in strategies if name in strategy_parameters(s)]
        if name in given and not takers:
            takes = ", ".join(strategy_parameters(strategies[0])) or "no options"
            raise ValueError(
                f"{flags([name])} is not used by --strategy {','.join(strategies)} "
                f"({strategies[0]} takes: {takes})"
            )
