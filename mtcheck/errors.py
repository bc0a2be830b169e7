"""User-facing errors: each renders as one line saying what, where and how to fix it.

The CLI turns any `MtcheckError` into that line on stderr and exit status 2.
"""

from __future__ import annotations

from .visible import visible

MAX_INTERNAL_MESSAGE = 300


class MtcheckError(Exception):
    """An error caused by the user's input or options, not a bug in mtcheck."""

    def __init__(self, what: str, *, where: str | None = None, line: int | None = None, hint: str | None = None):
        self.what = what
        self.where = where
        self.line = line
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        location = ""
        if self.where:
            location = f"{self.where}:{self.line}: " if self.line else f"{self.where}: "
        hint = f" ({self.hint})" if self.hint else ""
        return visible(f"{location}{self.what}{hint}")


class InputError(MtcheckError):
    """A file to check cannot be read or does not have the expected shape."""


class GlossaryError(MtcheckError):
    """A glossary file is malformed."""


class ModelError(MtcheckError):
    """An embedding model cannot be loaded."""


class ConfigError(MtcheckError):
    """A configuration file or option is invalid."""


class OutputError(MtcheckError):
    """A report, corrected file or backup cannot be written."""


def internal_error_line(exc: BaseException) -> str:
    """The one line printed for a bug (an exception that is not an MtcheckError)."""
    message = visible(str(exc))
    if len(message) > MAX_INTERNAL_MESSAGE:
        message = message[:MAX_INTERNAL_MESSAGE] + "…"
    return f"mtcheck: internal error: {type(exc).__name__}: {message}; rerun with --debug for the traceback"
