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
from .progress import stage

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
REPORTS_DIR = Path("reports")


class MtcheckGroup(click.Group):
    """Turns MtcheckError into a one-line message and exit status 2, and any other
    exception (a bug) into one `internal error` line and exit status 2 as well: 1 means
    findings, never a crash. `--debug` (or MTCHECK_DEBUG=1) adds the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MtcheckError as exc:
            _traceback_when_debugging(ctx)
            click.echo(f"mtcheck: error: {exc.one_line()}", err=True)
            ctx.exit(EXIT_ERROR)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `mtcheck check ... | head`: not a crash, but not a result either
            click.echo("mtcheck: error: output closed before the report was complete (broken pipe)", err=True)
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("mtcheck: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            from .errors import internal_error_line

            _traceback_when_debugging(ctx)
            click.echo(internal_error_line(exc), err=True)
            ctx.exit(EXIT_ERROR)


def _traceback_when_debugging(ctx: click.Context) -> None:
    import os

    if ctx.params.get("debug") or os.environ.get("MTCHECK_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exc()


@click.group(cls=MtcheckGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mtcheck")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback (also MTCHECK_DEBUG=1).")
def main(debug: bool) -> None:
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


def build_options(params: dict, fail_on: str | None = None, config: dict | None = None):
    """CheckOptions from config file values (`config`, else the file the params name or
    the one found here) overridden by command-line values."""
    from .config import load_config
    from .options import CheckOptions

    if config is None:
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
    """The segments of FILES; an input error when the target is mostly not English."""
    from .language import require_english_target

    segments = _read_segments(files, params, include_fuzzy)
    require_english_target((segment.target for segment in segments), where=files[0] if len(files) == 1 else f"{len(files)} files")
    return segments


def _read_segments(files: Sequence[str], params: dict, include_fuzzy: bool = False):
    from .readers import read_segments

    if len(files) > 1 and (params.get("source") or params.get("reference")):
        raise MtcheckError("--source/--reference need exactly one target file", hint="check one file at a time")
    if params.get("align"):
        return _read_aligned(files, params)
    segments = []
    with stage("reading", total=len(files)) as bar:
        for path in files:
            segments.extend(read_segments(path, encoding=params.get("encoding"), source=params.get("source"), reference=params.get("reference"), include_fuzzy=include_fuzzy))
            bar.advance(1)
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


def write_output(text: str | Iterable[str], output: str | None, color: bool | None = None) -> None:
    """Write a report (a string, or its consecutive pieces) to stdout or to a file
    (mtcheck.safeio: atomic for regular files, written through devices and FIFOs).
    `color=True` keeps ANSI colour codes on a pipe (click strips them there otherwise)."""
    pieces = (text,) if isinstance(text, str) else text
    if output in (None, "-"):
        for block in _blocks(pieces):
            click.echo(block, nl=False, color=color)
        return
    from .safeio import write_file

    with stage("report"):
        write_file(output, (block.encode("utf-8") for block in _blocks(pieces)))


def _blocks(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """Pieces joined into blocks of about `size` characters (one echo or write per block, not
    per piece: a report comes in several pieces per finding)."""
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
    from .fixer import corrected_targets as corrected

    return corrected(result.segments, result.findings, unsafe=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@check_options
@click.option("--format", "fmt", type=click.Choice(["terminal", "json", "markdown", "html", "csv", "sarif", "junit", "github", "jsonl"]), default="terminal", show_default=True, help="Output format (sarif, junit, github annotations and jsonl are for CI; see docs/ci.md).")
@click.option("--output", "-o", metavar="PATH", help="Write the report here ('-' for stdout). Default: stdout for terminal/json, reports/FILE.mtcheck.EXT for markdown/html/csv.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None, help="Exit 1 when a finding at or above this severity remains (default: error).")
@click.option("--baseline", "baseline", metavar="FILE", help="Report only findings not in this baseline (see `mtcheck baseline create`).")
@click.option("--diff-ref", "--diff", "diff_ref", metavar="REF", help="Report only findings in segments changed since this git revision (e.g. origin/main). --diff is the older name.")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True, help="Colour the terminal report: auto = on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).")
@click.option("--dask-scheduler", "dask_scheduler", metavar="ADDRESS", help="Check the files' documents on this dask.distributed scheduler (tcp://HOST:PORT); same report and exit code. Needs `pip install 'mtcheck[dask]'`; see docs/scale-out.md.")
@click.option("--dask-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS", help="With --dask-scheduler: how long to wait for the scheduler and a worker (default 10).")
def check(files, fmt, output, fail_on, diff_ref, color, dask_scheduler, dask_timeout, **params):
    """Check FILES (plain text, TSV/CSV, XLIFF, PO, TMX, JSON, Markdown) and report likely mistranslations."""
    from .config import load_config
    from .reporters import STREAM_FORMATS, ReportContext, get_reporter

    config = load_config(params.get("config_path"))
    options = build_options(params, None if fail_on == "never" else fail_on, config)
    scheduler = dask_scheduler or config.get("dask_scheduler")
    if scheduler and params.get("jobs") is not None:
        given = "--dask-scheduler" if dask_scheduler else "the configuration's dask_scheduler"
        raise MtcheckError(f"--jobs cannot go with {given}", hint="the cluster's workers run the documents: start more workers instead")
    segments = _read_all(files, params, options.include_fuzzy)
    result = _check_segments(segments, options, scheduler, dask_timeout)
    result = _narrow(result, files, options, diff_ref, params)
    reporter = get_reporter(fmt)
    if fmt == "terminal":
        import os

        from .reporters.terminal import wants_color

        to_stdout = output in (None, "-")
        reporter.color = wants_color(color, to_stdout and sys.stdout.isatty(), os.environ) and (to_stdout or color == "always")
    if fmt == "junit":
        reporter.fail_on = None if fail_on == "never" else options.fail_on
    context = ReportContext(corrected=corrected_targets(result) if fmt in {"markdown", "html", "csv"} else {})
    if output is None and fmt not in STREAM_FORMATS:
        output = str(_report_path(fmt, files))
    write_output(reporter.chunks(result, context), output, color=getattr(reporter, "color", None) or None)
    if output not in (None, "-"):
        click.echo(f"mtcheck: {fmt} report written to {output} ({len(result.findings)} findings)", err=True)
    if params.get("timings"):
        _print_timings(result.timings)
    if fail_on == "never":
        sys.exit(EXIT_OK)
    failing = [f for f in result.findings if f.severity.rank >= options.fail_on.rank]
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _check_segments(segments, options, scheduler: str | None, timeout: float | None):
    """The RunResult of `segments`: in this process, or on the Dask scheduler at `scheduler`."""
    if not scheduler:
        from .api import check_segments

        return check_segments(segments, options)
    from .scaleout import check_on_client, connect

    with connect(scheduler, timeout) as client:
        return check_on_client(client, segments, options)


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
@click.option("--show-diff/--no-show-diff", "--diff/--no-diff", "show_diff", default=True, show_default=True, help="Print a unified diff of the changes (--diff/--no-diff: older names).")
def fix(file, output, in_place, no_backup, unsafe_fixes, show_diff, **params):
    """Apply suggested fixes to FILE; without --output or --in-place only show the diff."""
    from .api import check_segments
    from .fixer import EncodableFixes, encode_fixed, fix_until_stable, unified_diff
    from .readers import decode_file, read_segments, rewrite_file
    from .safeio import Snapshot, orphaned_temps, replace_in_place, write_file

    if output and in_place:
        raise MtcheckError("--output and --in-place exclude each other", hint="choose one")
    options = build_options(params)
    snapshot = Snapshot.take(file) if in_place else None
    segments = _read_all([file], params, options.include_fuzzy)
    decoded = decode_file(file, params.get("encoding"))
    encodable = EncodableFixes(decoded.encoding)
    fixed, passes = fix_until_stable(segments, lambda current: encodable(check_segments(current, options).findings), unsafe=unsafe_fixes)
    for message in encodable.warnings():
        click.echo(f"mtcheck: warning: {message}", err=True)
    changes = {after.id: after.target for before, after in zip(segments, fixed) if before.target != after.target}
    new_text = rewrite_file(decoded, changes)
    if show_diff and changes:
        click.echo(unified_diff(file, decoded.text, new_text), nl=False)
    data = encode_fixed(new_text, decoded.encoding, file)
    if in_place and changes:
        for temp in orphaned_temps(file):
            click.echo(f"mtcheck: warning: {temp} was left by an interrupted write (the original was kept); delete it", err=True)
        saved = replace_in_place(file, data, snapshot, backup=not no_backup)
        if saved:
            click.echo(f"mtcheck: backup of the original kept at {saved}", err=True)
    elif output:
        write_file(output, data)
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


def console_main() -> None:
    """The `mtcheck` command (and `python -m mtcheck`): main(), then a fast exit (fastexit.py)."""
    from .fastexit import run

    run(main)


if __name__ == "__main__":  # pragma: no cover
    console_main()
