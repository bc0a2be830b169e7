"""Reporters: one class per output format behind one small interface.

A reporter turns a RunResult into text. Modules are imported only when their format is
asked for, so that heavy dependencies (pandas for CSV, jinja2 for HTML) stay lazy.
"""

from __future__ import annotations

import importlib

from ..errors import ConfigError
from .base import ReportContext, Reporter  # noqa: F401

# format name -> (module, class name, default file extension)
FORMATS: dict[str, tuple[str, str, str]] = {
    "terminal": ("terminal", "TerminalReporter", "txt"),
    "json": ("json_reporter", "JsonReporter", "json"),
    "markdown": ("markdown", "MarkdownReporter", "md"),
    "html": ("html", "HtmlReporter", "html"),
    "csv": ("csv_reporter", "CsvReporter", "csv"),
    "sarif": ("sarif", "SarifReporter", "sarif"),
    "junit": ("junit", "JunitReporter", "xml"),
    "github": ("github", "GithubReporter", "txt"),
    "jsonl": ("jsonl", "JsonLinesReporter", "jsonl"),
}
# Formats printed to stdout unless --output is given; the others are report files
# written to reports/ by default.
STREAM_FORMATS = {"terminal", "json", "sarif", "junit", "github", "jsonl"}


def get_reporter(name: str) -> Reporter:
    try:
        module_name, class_name, _ = FORMATS[name]
    except KeyError:
        raise ConfigError(f"unknown format {name!r}", hint=f"use one of {', '.join(FORMATS)}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)()


def extension_for(name: str) -> str:
    return FORMATS[name][2]
