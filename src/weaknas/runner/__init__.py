"""Running searches: settings, the budget loop, evaluators and the files a run writes."""

from weaknas.runner.config import SearchConfig
from weaknas.runner.loop import RunResult, queries_to_optimum, run_search

__all__ = ["RunResult", "SearchConfig", "queries_to_optimum", "run_search"]
