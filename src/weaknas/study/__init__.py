"""Many-seed studies, per-run metrics and report tables."""

from weaknas.study.metrics import at_checkpoints
from weaknas.study.report import markdown_table, queries_stats
from weaknas.study.study import run_study

__all__ = ["at_checkpoints", "markdown_table", "queries_stats", "run_study"]
