"""Command-line interface: a thin click layer over the library API.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error.
Heavy modules (torch, sentence-transformers, pandas) are imported only by the code paths
that need them, so `mtcheck --help` and glossary-only checks start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import click

from . import __version__
from .errors import MtcheckError
from .models import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
REPORTS_DIR = Path("reports")


class MtcheckGroup(click.Group):
    """Turns MtcheckError into a one-line message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MtcheckError as exc:
            click.echo(f"mtcheck: error: {exc.one_line()}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=MtcheckGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mtcheck")
def main() -> None:
    """Find literal mistranslations in English machine translation of Chinese text
    ("millet" for Xiaomi, "the nineteen major" for the 19th National Congress) and write
    correction reports with suggested fixes."""


def check_options(func):
    """Options shared by `check` and `fix`."""
    decorators = [
        click.option("--source", "source", type=click.Path(dir_okay=False), help="Line-aligned Chinese source file (plain-text input)."),
        click.option("--reference", "reference", type=click.Path(dir_okay=False), help="Line-aligned human reference file (plain-text input)."),
        click.option("--glossary", "glossaries", multiple=True, type=click.Path(), help="Extra glossary (CSV/TSV/TBX); repeatable."),
        click.option("--no-default-glossary", is_flag=True, help="Do not load the bundled glossaries."),
        click.option("--select", multiple=True, metavar="CODE", help="Only these rules (codes or prefixes, e.g. GL, RP001); repeatable or comma-separated."),
        click.option("--ignore", multiple=True, metavar="CODE", help="Skip these rules (codes or prefixes); repeatable or comma-separated."),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, help="Drop findings below this confidence (0..1)."),
        click.option("--no-embed", is_flag=True, help="Glossary and rules only: no sentence-embedding model (ambiguous terms become low-confidence warnings)."),
        click.option("--model", metavar="NAME_OR_PATH", help="sentence-transformers model for the sense gate (default: bundled all-MiniLM-L6-v2)."),
        click.option("--backend", type=click.Choice(["torch", "torch-bf16", "onnx-int8"]), default=None, help="Embedding backend."),
        click.option("--encoding", metavar="CODEC", help="Input encoding (default UTF-8, BOM detected), e.g. gb18030."),
        click.option("--include-fuzzy", is_flag=True, default=None, help="Also check fuzzy translations (PO #, fuzzy; XLIFF fuzzy-match / state=initial)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file (default: .mtcheck.toml, setup.cfg [mtcheck] or pyproject.toml [tool.mtcheck] in the current folder)."),
        click.option("--timings", is_flag=True, help="Print the time spent per stage on stderr."),
        click.option("--jobs", "-j", type=click.IntRange(min=0), default=None, help="Processes for large files: segment-level rules run in forked workers (Linux; files of 2,000+ segments). 0 = one per CPU (default), 1 = this process only. Findings are the same."),
        click.option("--threads", type=click.IntRange(min=0), default=None, help="CPU threads of the embedding model (default: OMP_NUM_THREADS, else 1 with --jobs > 1, else up to 4)."),
        click.option("--align", type=click.Choice(["length", "embedding"]), default=None, help="Sentence-align --source/--reference with the target when they are not line-aligned: length (Gale-Church) or embedding (needs --cross-lingual-model)."),
        click.option("--cross-lingual-model", metavar="NAME_OR_PATH", help="Multilingual sentence-transformers model (local folder or Hugging Face cache) for BI008 similarity and --align embedding."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _split_codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def build_options(params: dict, fail_on: str | None = None):
    """CheckOptions from config file values overridden by command-line values."""
    from .config import load_config
    from .options import CheckOptions

    config = load_config(params.get("config_path"))
    glossaries = tuple(config.get("glossaries", ())) + tuple(params.get("glossaries") or ())
    select = _split_codes(params.get("select") or ()) or tuple(config.get("select", ()))
    ignore = _split_codes(params.get("ignore") or ()) or tuple(config.get("ignore", ()))
    fail_on_value = fail_on or config.get("fail_on") or "error"
    min_confidence = params.get("min_confidence")
    if min_confidence is None:
        min_confidence = float(config.get("min_confidence", 0.0))
    embed = not params.get("no_embed") and config.get("embed", True)
    return CheckOptions(
        glossaries=glossaries,
        use_default_glossary=not params.get("no_default_glossary") and config.get("default_glossary", True),
        select=select,
        ignore=ignore,
        severity_overrides=tuple(config.get("severity", {}).items()),
        fail_on=Severity.parse(fail_on_value),
        min_confidence=min_confidence,
        embed=bool(embed),
        model=params.get("model") or config.get("model"),
        backend=params.get("backend") or config.get("backend", "torch"),
        cross_lingual_model=params.get("cross_lingual_model") or config.get("cross_lingual_model"),
        include_fuzzy=bool(params.get("include_fuzzy") or config.get("include_fuzzy", False)),
        baseline=params.get("baseline") or config.get("baseline"),
        jobs=params["jobs"] if params.get("jobs") is not None else int(config.get("jobs", 0)),
        threads=params["threads"] if params.get("threads") is not None else int(config.get("threads", 0)),
    )


def _read_all(files: Sequence[str], params: dict, include_fuzzy: bool = False):
    from .readers import read_segments

    if len(files) > 1 and (params.get("source") or params.get("reference")):
        raise MtcheckError("--source/--reference need exactly one target file", hint="check one file at a time")
    if params.get("align"):
        return _read_aligned(files, params)
    segments = []
    for path in files:
        segments.extend(read_segments(path, encoding=params.get("encoding"), source=params.get("source"), reference=params.get("reference"), include_fuzzy=include_fuzzy))
    return segments


def _read_aligned(files: Sequence[str], params: dict):
    from .bilingual.alignment import EMBEDDING, read_aligned
    from .bilingual.similarity import load_encoder

    model = params.get("cross_lingual_model")
    encoder = load_encoder(model) if params["align"] == EMBEDDING and model else None
    segments, messages = read_aligned(files[0], source=params.get("source"), reference=params.get("reference"), method=params["align"], encoding=params.get("encoding"), encoder=encoder)
    for message in messages:
        click.echo(f"mtcheck: {message}", err=True)
    return segments


def _print_timings(timings: dict) -> None:
    for stage, seconds in timings.items():
        click.echo(f"timing {stage:<10} {seconds * 1000:9.1f} ms", err=True)


def _report_path(fmt: str, files: Sequence[str]) -> Path:
    from .reporters import extension_for

    stem = Path(files[0]).name if files else "report"
    for suffix in (".txt", ".tsv", ".csv"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return REPORTS_DIR / f"{stem}.mtcheck.{extension_for(fmt)}"


def write_output(text: str | Iterable[str], output: str | None) -> None:
    """Write a report (a string, or its consecutive pieces) to stdout or, atomically, to a file."""
    pieces = (text,) if isinstance(text, str) else text
    if output in (None, "-"):
        for block in _blocks(pieces):
            click.echo(block, nl=False)
        return
    from .fixer import atomic_write

    path = Path(output)
    if path.is_dir():
        raise MtcheckError("--output is a directory", where=str(path), hint="name a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, (piece.encode("utf-8") for piece in pieces))


def _blocks(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """Pieces joined into blocks of about `size` characters (one echo per block, not per piece)."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


def corrected_targets(result) -> dict[tuple[str, str], str]:
    """Every segment with all suggested fixes (safe and unsafe) applied, for reports."""
    from .fixer import apply_edits, edits_by_segment

    by_file: dict[str, list] = {}
    for finding in result.findings:
        by_file.setdefault(finding.file, []).append(finding)
    corrected: dict[tuple[str, str], str] = {}
    for segment in result.segments:
        edits = edits_by_segment(by_file.get(segment.file, ()), unsafe=True).get(segment.id, ())
        corrected[(segment.file, segment.id)] = apply_edits(segment.target, edits).text if edits else segment.target
    return corrected


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@check_options
@click.option("--format", "fmt", type=click.Choice(["terminal", "json", "markdown", "html", "csv", "sarif", "junit", "github", "jsonl"]), default="terminal", show_default=True, help="Output format (sarif, junit, github annotations and jsonl are for CI; see docs/ci.md).")
@click.option("--output", "-o", metavar="PATH", help="Write the report here ('-' for stdout). Default: stdout for terminal/json, reports/FILE.mtcheck.EXT for markdown/html/csv.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None, help="Exit 1 when a finding at or above this severity remains (default: error).")
@click.option("--baseline", "baseline", metavar="FILE", help="Report only findings not in this baseline (see `mtcheck baseline create`).")
@click.option("--diff", "diff_ref", metavar="REF", help="Report only findings in segments changed since this git revision (e.g. origin/main).")
def check(files, fmt, output, fail_on, diff_ref, **params):
    """Check FILES (plain text, TSV/CSV, XLIFF, PO, TMX, JSON, Markdown) and report likely mistranslations."""
    from .api import check_segments
    from .reporters import STREAM_FORMATS, ReportContext, get_reporter

    options = build_options(params, None if fail_on == "never" else fail_on)
    segments = _read_all(files, params, options.include_fuzzy)
    result = check_segments(segments, options)
    result = _narrow(result, files, options, diff_ref, params)
    reporter = get_reporter(fmt)
    if fmt == "terminal":
        reporter.color = output in (None, "-") and sys.stdout.isatty()
    if fmt == "junit":
        reporter.fail_on = None if fail_on == "never" else options.fail_on
    context = ReportContext(corrected=corrected_targets(result) if fmt in {"markdown", "html", "csv"} else {})
    if output is None and fmt not in STREAM_FORMATS:
        output = str(_report_path(fmt, files))
    write_output(reporter.chunks(result, context), output)
    if output not in (None, "-"):
        click.echo(f"mtcheck: {fmt} report written to {output} ({len(result.findings)} findings)", err=True)
    if params.get("timings"):
        _print_timings(result.timings)
    if fail_on == "never":
        sys.exit(EXIT_OK)
    failing = [f for f in result.findings if f.severity.rank >= options.fail_on.rank]
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _narrow(result, files: Sequence[str], options, diff_ref: str | None, params: dict):
    """Apply the baseline and --diff (mtcheck.gating), printing their notes on stderr."""
    if not (options.baseline or diff_ref):
        return result
    from .gating import narrow_result
    from .readers import read_segments

    result, notes = narrow_result(
        result, files, baseline=options.baseline, diff_ref=diff_ref,
        read=lambda path: read_segments(path, encoding=params.get("encoding"), include_fuzzy=True),
    )
    for note in notes:
        click.echo(f"mtcheck: {note}", err=True)
    return result


@main.command()
@click.argument("file", type=click.Path())
@check_options
@click.option("--output", "-o", metavar="PATH", help="Write the corrected file here.")
@click.option("--in-place", is_flag=True, help="Replace FILE atomically with the corrected text (a FILE.bak backup is kept).")
@click.option("--no-backup", is_flag=True, help="With --in-place: do not keep a backup.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe (ambiguous terms, rewrites that need a human look).")
@click.option("--diff/--no-diff", "show_diff", default=True, show_default=True, help="Print a unified diff of the changes.")
def fix(file, output, in_place, no_backup, unsafe_fixes, show_diff, **params):
    """Apply suggested fixes to FILE; without --output or --in-place only show the diff."""
    from .api import check_segments
    from .fixer import fix_until_stable, unified_diff, write_fixed
    from .readers import decode_file, read_segments, rewrite_file

    if output and in_place:
        raise MtcheckError("--output and --in-place exclude each other", hint="choose one")
    options = build_options(params)
    segments = _read_all([file], params, options.include_fuzzy)
    fixed, passes = fix_until_stable(segments, lambda current: check_segments(current, options).findings, unsafe=unsafe_fixes)
    changes = {after.id: after.target for before, after in zip(segments, fixed) if before.target != after.target}
    decoded = decode_file(file, params.get("encoding"))
    new_text = rewrite_file(decoded, changes)
    if show_diff and changes:
        click.echo(unified_diff(file, decoded.text, new_text), nl=False)
    data = new_text.encode(decoded.encoding)
    if in_place and changes:
        saved = write_fixed(file, data, backup=not no_backup)
        if saved:
            click.echo(f"mtcheck: backup of the original kept at {saved}", err=True)
    elif output:
        out = Path(output)
        out.parent.mkdir(parents=True, exist_ok=True)
        from .fixer import atomic_write

        atomic_write(out, data)
    click.echo(f"mtcheck: {len(changes)} segment(s) changed in {passes} pass(es)" + ("" if unsafe_fixes else "; unsafe fixes not applied (--unsafe-fixes)"), err=True)
    sys.exit(EXIT_OK)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(fmt):
    """List every rule: code, name, category, default severity, explanation."""
    from .registry import all_rules

    rows = all_rules()
    if fmt == "json":
        import json

        click.echo(json.dumps([{
            "code": r.code, "name": r.name, "category": r.category, "severity": r.severity.value,
            "fixable": r.fixable, "needs_source": r.needs_source, "needs_reference": r.needs_reference,
            "summary": r.summary, "explanation": r.explanation,
        } for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt == "markdown":
        click.echo("| code | name | category | severity | fix | what it flags |")
        click.echo("|---|---|---|---|---|---|")
        for r in rows:
            needs = " (needs source)" if r.needs_source else " (needs reference)" if r.needs_reference else ""
            click.echo(f"| {r.code} | {r.name} | {r.category} | {r.severity.value} | {'yes' if r.fixable else 'no'} | {r.summary}{needs} |")
        return
    for r in rows:
        click.echo(f"{r.code}  {r.name}  [{r.category}, {r.severity.value}{', fixable' if r.fixable else ''}]")
        click.echo(f"    {r.summary}")
        click.echo(f"    {r.explanation}")


@main.group("baseline")
def baseline_group():
    """Accept the current findings so that CI fails only on new ones."""


@baseline_group.command("create")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@check_options
@click.option("--output", "-o", metavar="PATH", help="Baseline file to write (default: `baseline` from the configuration, else .mtcheck-baseline.json).")
def baseline_create(files, output, **params):
    """Record every current finding in FILES in a baseline file; `mtcheck check --baseline FILE`
    then reports only findings that are not in it."""
    from .api import check_segments
    from .baseline import DEFAULT_PATH, build_baseline, dump_baseline

    options = build_options(params)
    result = check_segments(_read_all(files, params, options.include_fuzzy), options)
    path = output or options.baseline or DEFAULT_PATH
    write_output(dump_baseline(build_baseline(result, path)), path)
    click.echo(f"mtcheck: baseline of {len(result.findings)} finding(s) in {len(files)} file(s) written to {path}", err=True)
    sys.exit(EXIT_OK)


@main.group()
def glossary():
    """Work with glossary files."""


@glossary.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Also require the house style of the bundled glossaries (rows sorted).")
def glossary_validate(files, strict):
    """Lint glossary FILES: report every problem as FILE:LINE: message. Exit 1 if any."""
    from .glossary.loader import lint_glossary, read_glossary_rows

    all_entries = []
    problems = []
    for path in files:
        if Path(path).suffix.lower() == ".tbx":
            from .glossary.loader import load_glossary_any

            all_entries.extend(load_glossary_any(path).entries)
            continue
        entries, file_problems = read_glossary_rows(path)
        all_entries.extend(entries)
        problems.extend(file_problems)
    problems.extend(p for p in lint_glossary(all_entries, check_sorted=strict) if strict or p.level != "style")
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(all_entries)} entries in {len(files)} file(s), {len(problems)} problem(s)", err=True)
    sys.exit(EXIT_FINDINGS if problems else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
