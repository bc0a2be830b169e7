"""Rule registry: every check registers its rules here with a stable code.

A rule is metadata (code, name, category, default severity, explanation, whether it
can fix); the code that finds problems lives in `mtcheck.checks`. Checks come in two
shapes, both pure functions over plain data:

- segment checks: ``(segment, context) -> Iterable[Finding]``
- document checks: ``(segments, context) -> Iterable[Finding]`` for rules that need the
  whole document (consistency).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .models import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    explanation: str
    fixable: bool = False
    needs_source: bool = False
    needs_reference: bool = False


@dataclass(frozen=True)
class Check:
    """A function that emits findings for one or more rules."""

    func: Callable
    rules: tuple[str, ...]
    scope: str  # "segment" | "document"


RULES: dict[str, Rule] = {}
CHECKS: list[Check] = []


def register_rule(rule: Rule) -> Rule:
    if rule.code in RULES and RULES[rule.code] != rule:
        raise ValueError(f"rule code {rule.code} registered twice")
    RULES[rule.code] = rule
    return rule


def segment_check(*codes: str):
    """Decorator: register a per-segment check emitting findings for `codes`."""

    def decorate(func):
        _add_check(Check(func, codes, "segment"))
        return func

    return decorate


def document_check(*codes: str):
    """Decorator: register a whole-document check emitting findings for `codes`."""

    def decorate(func):
        _add_check(Check(func, codes, "document"))
        return func

    return decorate


def _add_check(check: Check) -> None:
    missing = [code for code in check.rules if code not in RULES]
    if missing:
        raise ValueError(f"check {check.func.__name__} emits unregistered rules {missing}")
    if all(existing.func is not check.func for existing in CHECKS):
        CHECKS.append(check)


def all_rules() -> list[Rule]:
    load_builtin_checks()
    return sorted(RULES.values(), key=lambda rule: rule.code)


def get_rule(code: str) -> Rule:
    rule = RULES.get(code)  # fast path: called for every finding
    if rule is not None:
        return rule
    load_builtin_checks()
    return RULES[code]


def load_builtin_checks() -> None:
    """Import the check modules so their rules register (idempotent)."""
    from . import checks  # noqa: F401  (import registers)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> set[str]:
    """Resolve --select/--ignore (codes or code prefixes such as ``RP``) to a set of rule codes."""
    load_builtin_checks()
    codes = set(RULES)
    select = [s.strip().upper() for s in select if s.strip()]
    ignore = [s.strip().upper() for s in ignore if s.strip()]
    for pattern in select + ignore:
        if not any(code.startswith(pattern) for code in codes):
            from .errors import ConfigError

            raise ConfigError(f"unknown rule or rule prefix {pattern!r}", hint="run `mtcheck rules` to list rule codes")
    if select:
        codes = {code for code in codes if any(code.startswith(p) for p in select)}
    return {code for code in codes if not any(code.startswith(p) for p in ignore)}
