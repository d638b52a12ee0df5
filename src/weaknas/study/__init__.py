"""Many-seed studies, per-run metrics, report tables and figures."""

from weaknas.study.metrics import at_checkpoints
from weaknas.study.report import markdown_table, queries_stats
from weaknas.study.study import Method, run_studies, run_study

__all__ = [
    "Method",
    "at_checkpoints",
    "markdown_table",
    "queries_stats",
    "run_studies",
    "run_study",
]
