"""CSV: one row per finding with the JSON contract's fields, for spreadsheets and pandas.

The nested fields are flattened: `fix` becomes `fix_replacement` and `fix_applicability`
(empty when a finding has no fix), and the lists `suggestions` and `evidence` are joined
with " | ". pandas is imported only when a CSV report is rendered.

Every text cell that begins with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'`, as
OWASP recommends against CSV (formula) injection: a spreadsheet shows it as text instead
of running it as a formula. A report with a CR inside a cell quotes every text cell.
"""

from __future__ import annotations

import csv

from ..models import RunResult
from .base import ReportContext, Reporter
from .json_reporter import finding_to_dict

LIST_SEPARATOR = " | "
COLUMNS = (
    "rule", "category", "severity", "file", "segment", "line", "column", "start", "end", "text", "message",
    "suggestions", "confidence", "fix_replacement", "fix_applicability", "evidence",
)
INTEGER_COLUMNS = ("line", "column", "start", "end")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A text cell that a spreadsheet would read as a formula, prefixed with `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def finding_row(finding) -> dict:
    """The JSON contract's finding object, flattened to one CSV row."""
    row = finding_to_dict(finding)
    fix = row.pop("fix") or {}
    row["fix_replacement"] = fix.get("replacement", "")
    row["fix_applicability"] = fix.get("applicability", "")
    row["suggestions"] = LIST_SEPARATOR.join(row["suggestions"])
    row["evidence"] = LIST_SEPARATOR.join(row["evidence"])
    return {column: row[column] for column in COLUMNS}


class CsvReporter(Reporter):
    name = "csv"
    extension = "csv"

    def render(self, result: RunResult, context: ReportContext) -> str:
        import pandas as pd

        rows = [{column: neutralise_cell(value) for column, value in finding_row(f).items()} for f in result.findings]
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        for column in INTEGER_COLUMNS:
            frame[column] = frame[column].astype("Int64")  # keeps None empty, not "2.0"
        # Python 3.11's csv writer leaves a cell with a lone CR unquoted, which splits the row
        # for every reader: quote every text cell then.
        has_cr = any(isinstance(value, str) and "\r" in value for row in rows for value in row.values())
        return frame.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL)
