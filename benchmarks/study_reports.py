"""The committed study reports, in one list: where each lives, the suite its methods'
settings come from, the protocol it ran under, and its section in ``research_summary.md``.

``regenerate.py`` rebuilds every report's tables and figures and the research summary from
this list; ``rerun_rows.py`` re-runs one method's rows of a report under its protocol. A new
committed study is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StudyReport:
    folder: str  # relative to the repository root
    suite: str  # the ``research_study.SUITES`` entry its methods' settings come from
    budget: int
    stop_at_optimum: bool
    summary_title: str | None = None  # its section in research_summary.md; None: none


REPORTS: tuple[StudyReport, ...] = (
    StudyReport("docs/methods", "methods", 1000, False, "research_methods"),
    StudyReport("docs/nb101", "nb101", 3000, True, "research_nb101"),
    StudyReport("docs/nb101-confirm", "nb101", 3000, True, "research_nb101"),
    StudyReport("docs/nbgraph", "methods", 1000, True, "research_nbgraph"),
    StudyReport("docs/nbgraph-confirm", "methods", 1000, True, "research_nbgraph"),
    StudyReport("docs/variants", "variants", 1000, False),
)
BY_FOLDER: dict[str, StudyReport] = {report.folder: report for report in REPORTS}
