"""Every name the command line and the settings accept, in one module that imports nothing.

``weaknas --help`` and argument errors are answered from these alone, before numpy,
pandas or a predictor library is loaded. Each registry (benchmarks, predictors,
acquisitions, targets, executors) takes its names from here; a test checks that the
registries and these names agree. Strategies are listed, with their options, in
``weaknas.strategies.registry`` (light too).
"""

NBGRAPH_DATASETS = (
    "cora",
    "citeseer",
    "pubmed",
    "cs",
    "physics",
    "photo",
    "computers",
    "arxiv",
    "proteins",
)
BENCHMARKS = (
    "nb201-cifar10",
    "nb201-cifar100",
    "nb201-imagenet16",
    "nb101",
    *(f"nbgraph-{dataset}" for dataset in NBGRAPH_DATASETS),
)
PREDICTORS = ("lgbm", "xgb", "rf", "mlp", "mlp-paper", "lgbm-lambdarank", "lgbm-xendcg")
DEFAULT_PREDICTOR = "lgbm"
# uniform: sample uniformly from the top-M by mean (the paper's WeakNAS); greedy: the
# top-N by mean; the rest rank candidates by the acquisition and take the top-N.
ACQUISITIONS = ("uniform", "greedy", "ei", "ucb", "ts")
NEEDS_ENSEMBLE = ("ei", "ucb", "ts")
TARGETS = ("value", "rank")
EXECUTORS = ("inline", "thread", "process", "ray")
PRESETS = ("paper", "ofa-paper")  # named protocols (weaknas.runner.config.PRESETS)
