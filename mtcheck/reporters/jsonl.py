"""JSON Lines: one finding per line, each object with the keys of the JSON contract's
`findings` items. Nothing else (no summary line), so `wc -l` counts findings and tools can
stream it; an empty output means no findings."""

from __future__ import annotations

import json
from typing import Iterator

from ..models import RunResult
from .base import ReportContext, Reporter
from .json_reporter import finding_to_dict


class JsonLinesReporter(Reporter):
    name = "jsonl"
    extension = "jsonl"

    def render(self, result: RunResult, context: ReportContext) -> str:
        return "".join(self.chunks(result, context))

    def chunks(self, result: RunResult, context: ReportContext) -> Iterator[str]:
        for finding in result.findings:
            yield json.dumps(finding_to_dict(finding), ensure_ascii=False) + "\n"
