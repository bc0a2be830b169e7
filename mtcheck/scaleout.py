"""Run mtcheck on Dask when one process is not enough (``pip install mtcheck[dask]``).

Every check works within one *document* (the segments of one input file): consistency
(CO001) and the sense gate look across a document's segments. A document is therefore
never split; documents are spread over Dask partitions and each partition is checked by
the ordinary engine (`run_checks`), so the findings are exactly those of a
single-process run over the same segments.

Two ways in, both lazy until ``.compute()``:

- `check_files_bag(paths, options)`: a Dask bag with one task per file; each task reads
  its file with mtcheck's own readers (plain text, TSV/CSV, XLIFF, ...) and returns its
  findings. Same findings as ``mtcheck check PATHS``.
- `check_dataframe(segments, options)`: a Dask DataFrame of segments (columns
  `SEGMENT_COLUMNS`, e.g. from `read_segments_frame` or from Parquet) in, a Dask
  DataFrame of findings (columns `FINDING_COLUMNS`, the JSON contract flattened) out.
  Each partition must hold whole documents (all rows with one `file` value), which
  `read_segments_frame` and one-file-per-partition Parquet datasets guarantee; rows keep
  their order within a document.

- `check_on_client(client, segments, options)`: segments already read (by the caller,
  with any reader options) checked on a ``dask.distributed`` cluster, one task per
  document; returns the `RunResult` a single-process `run_checks` returns (segments,
  findings, scores, signature, reference metrics). `connect(address)` opens the client
  with a connect timeout. This is what ``mtcheck check --dask-scheduler ADDRESS`` runs.

Workers build the glossary matcher once per process (and load it from the on-disk cache,
see mtcheck.glossary.cache), so many small tasks stay cheap. See docs/scale-out.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from itertools import groupby
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .models import Finding, RunResult, Segment
from .options import CheckOptions

if TYPE_CHECKING:  # pragma: no cover
    import distributed
    import pandas

SEGMENT_COLUMNS = ("file", "id", "line", "column_offset", "target", "source", "reference", "row")
FINDING_COLUMNS = (
    "file", "segment", "line", "column", "start", "end", "rule", "category", "severity", "text",
    "message", "suggestions", "confidence", "fix_replacement", "fix_applicability", "evidence",
)
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler, and for it to have a worker
_CONTEXTS: dict[CheckOptions, object] = {}
DASK_HINT = "pip install 'mtcheck[dask]'"


def _dask():
    try:
        import dask  # noqa: F401
        import dask.bag  # noqa: F401
    except ImportError:
        from .errors import ConfigError

        raise ConfigError("Dask is not installed", hint=DASK_HINT) from None
    return dask


def _context(options: CheckOptions):
    """One RunContext (glossary, matcher, gate) per options and glossary files per worker process."""
    from .engine import build_context

    try:
        key = (options, _glossary_stamp(options))
        context = _CONTEXTS.get(key)
    except TypeError:  # options carrying unhashable extras: no reuse
        return build_context(options)
    if context is None:
        context = _CONTEXTS[key] = build_context(options)
    return context


def _glossary_stamp(options: CheckOptions) -> tuple:
    """Path, size and mtime of every glossary file the options load: a changed file is reloaded."""
    from pathlib import Path

    from .glossary.loader import default_glossary_paths

    paths = [*(default_glossary_paths() if options.use_default_glossary else ()), *map(Path, options.glossaries)]
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((str(path), -1, -1))
    return tuple(stamps)


def check_segment_list(segments: Sequence[Segment], options: CheckOptions) -> list[Finding]:
    """The findings of run_checks over `segments` (whole documents), with a reused context."""
    from .engine import reported_findings

    if not segments:
        return []
    return reported_findings(list(segments), _context(options))


# ---------------------------------------------------------------- files -> bag


def check_file_findings(path: str, options: CheckOptions, encoding: str | None = None) -> list[Finding]:
    """Read one file with mtcheck's readers and check it: what one bag task does."""
    from .readers import read_segments

    return check_segment_list(read_segments(path, encoding=encoding), options)


def check_files_bag(paths: Iterable[str], options: CheckOptions | None = None, *, encoding: str | None = None):
    """A Dask bag of Findings, one partition (task) per file, in the order of `paths`."""
    _dask()
    import dask.bag as db

    paths = [str(path) for path in paths]
    options = options or CheckOptions()
    return db.from_sequence(paths, npartitions=max(1, len(paths))).map(check_file_findings, options, encoding).flatten()


def check_files(paths: Iterable[str], options: CheckOptions | None = None, *, scheduler: str | None = None, encoding: str | None = None) -> list[Finding]:
    """Compute check_files_bag and return the findings sorted as a single run sorts them."""
    bag = check_files_bag(paths, options, encoding=encoding)
    return sort_findings(bag.compute(scheduler=scheduler))


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: finding.sort_key)


# ---------------------------------------------------------------- segments -> distributed cluster


@dataclass(frozen=True)
class DocumentResult:
    """What a worker sends back for one document: its findings (filtered, sorted), the
    run's signature (glossary size and hash, model, ...) and the seconds per stage."""

    findings: tuple[Finding, ...]
    signature: str
    timings: Mapping[str, float]


@dataclass(frozen=True)
class DocumentSegments:
    """One document's segments as one object for a cluster task: distributed pickles it
    in one call, where a plain list is serialized segment by segment (several times slower)."""

    segments: tuple[Segment, ...]


def split_documents(segments: Sequence[Segment]) -> list[list[Segment]]:
    """The documents of `segments`: runs of consecutive segments of one file, as run_checks groups them."""
    return [list(document) for _, document in groupby(segments, key=lambda segment: segment.file)]


def check_document_task(document: DocumentSegments, options: CheckOptions) -> DocumentResult:
    """One document checked with the worker's reused context: what one cluster task does."""
    from .engine import reported_findings, signature

    started = time.perf_counter()
    context = _context(options)
    setup = time.perf_counter() - started  # the glossary load, on a worker's first task
    before = dict(context.timings)  # a reused context keeps adding up its stages
    findings = reported_findings(list(document.segments), context)
    timings = {name: seconds - before.get(name, 0.0) for name, seconds in context.timings.items()}
    timings["setup"] = timings.get("setup", 0.0) + setup
    return DocumentResult(tuple(findings), signature(context), timings)


def merge_document_results(segments: Sequence[Segment], parts: Sequence[DocumentResult]) -> RunResult:
    """The single-process RunResult from the results of every document of `segments`;
    stage timings are summed over the documents."""
    from .errors import ConfigError
    from .engine import assemble_result

    signatures = {part.signature for part in parts}
    if len(signatures) > 1:
        raise ConfigError(
            f"the workers checked with {len(signatures)} different setups (glossary, model or version)",
            hint="install the same mtcheck and glossary files on every worker",
        )
    timings: dict[str, float] = {}
    for part in parts:
        for name, seconds in part.timings.items():
            timings[name] = timings.get(name, 0.0) + seconds
    findings = sort_findings(finding for part in parts for finding in part.findings)
    return assemble_result(segments, findings, signatures.pop(), timings)


def connect(address: str, timeout: float | None = None) -> "distributed.Client":
    """A distributed Client on the scheduler at `address` (e.g. tcp://HOST:8786) with at
    least one worker; a one-line ConfigError when distributed is missing or the scheduler
    cannot be reached within `timeout` seconds (default CONNECT_TIMEOUT)."""
    from .errors import ConfigError

    timeout = CONNECT_TIMEOUT if timeout is None else timeout

    try:
        import distributed
    except ImportError:
        raise ConfigError("dask.distributed is not installed", hint=DASK_HINT) from None
    where = f"Dask scheduler {address}"
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except ValueError as exc:  # an address distributed cannot parse
        raise ConfigError(f"not a scheduler address: {exc}", where=where, hint="use tcp://HOST:PORT") from None
    except (OSError, TimeoutError):
        raise ConfigError(f"no scheduler reachable within {timeout:g} s", where=where,
                          hint="start one with `dask scheduler`, check the host and port") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        client.close()
        raise ConfigError(f"the scheduler has no worker after {timeout:g} s", where=where,
                          hint=f"start one with `dask worker {address}`") from None
    return client


def check_on_client(client: "distributed.Client", segments: Sequence[Segment], options: CheckOptions) -> RunResult:
    """Check `segments` on the client's cluster, one task per document, and return the
    RunResult a single-process run_checks would (same findings, scores and signature).

    The segments travel to the workers (scattered, not read there), so the inputs need
    not be on the workers' disks and every reader option applies; the glossary files and
    model named in `options` must be readable on every worker. Workers run documents one
    per task: `options.jobs` is set to 1 there (the cluster is the parallelism)."""
    from distributed import as_completed

    from .gcpause import gc_paused
    from .progress import stage

    documents = split_documents(segments)
    if not documents:
        from .engine import run_checks

        return run_checks([], options)
    options = replace(options, jobs=1)
    scattered = client.scatter([DocumentSegments(tuple(document)) for document in documents], hash=False)
    futures = client.map(check_document_task, scattered, options=options)
    sizes = {future.key: len(document) for future, document in zip(futures, documents)}
    results: dict = {}
    # Each result crosses the network once, as it arrives; a task's error is raised here,
    # as it would be in one process. No full collections while the findings pile up (as in run_checks).
    with stage("checks", total=len(segments)) as bar, gc_paused():
        for future, result in as_completed(futures, loop=client.loop, with_results=True):
            results[future.key] = result
            bar.advance(sizes[future.key])
        return merge_document_results(segments, [results[future.key] for future in futures])


# ---------------------------------------------------------------- segments <-> frames


def segments_frame(segments: Sequence[Segment]) -> "pandas.DataFrame":
    """A pandas DataFrame with one row per segment (columns SEGMENT_COLUMNS)."""
    import pandas as pd

    rows = [
        (s.file, s.id, s.line, s.column_offset, s.target, s.source, s.reference, s.meta.get("row"))
        for s in segments
    ]
    frame = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    return frame.astype({"file": "string", "id": "string", "line": "Int64", "column_offset": "int64",
                         "target": "string", "source": "string", "reference": "string", "row": "string"})


def frame_segments(frame: "pandas.DataFrame") -> list[Segment]:
    """Segments from a DataFrame with a `target` column and any of the other SEGMENT_COLUMNS.

    Missing `file` means one document "<frame>"; missing `id` numbers rows from 1 per file.
    """
    if "target" not in frame.columns:
        from .errors import InputError

        raise InputError("segment frame has no 'target' column", hint=f"use the columns {', '.join(SEGMENT_COLUMNS)}")
    present = [name for name in SEGMENT_COLUMNS if name in frame.columns]
    cleaned = frame[present].astype(object)
    cleaned = cleaned.where(frame[present].notna(), None)  # NaN / NA / None -> None
    columns = {name: cleaned[name].tolist() if name in present else None for name in SEGMENT_COLUMNS}
    segments: list[Segment] = []
    counters: dict[str, int] = {}
    for index, target in enumerate(columns["target"]):
        file = _text(columns["file"], index) or "<frame>"
        counters[file] = counters.get(file, 0) + 1
        row = _text(columns["row"], index)
        segments.append(Segment(
            id=_text(columns["id"], index) or str(counters[file]),
            target="" if target is None else str(target),
            file=file,
            line=_int(columns["line"], index),
            source=_text(columns["source"], index),
            reference=_text(columns["reference"], index),
            column_offset=_int(columns["column_offset"], index) or 0,
            meta={"row": row} if row is not None else {},
        ))
    return segments


def _text(column: list | None, index: int) -> str | None:
    if column is None or column[index] is None:
        return None
    return str(column[index])


def _int(column: list | None, index: int) -> int | None:
    if column is None or column[index] is None:
        return None
    return int(column[index])


def findings_frame(findings: Sequence[Finding]) -> "pandas.DataFrame":
    """The findings as a DataFrame (columns FINDING_COLUMNS; lists stay lists)."""
    import pandas as pd

    rows = [(
        f.file, f.segment, f.line, f.column, f.start, f.end, f.rule, f.category, f.severity.value, f.text,
        f.message, list(f.suggestions), f.confidence,
        f.fix.replacement if f.fix else None, f.fix.applicability.value if f.fix else None, list(f.evidence),
    ) for f in findings]
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    return frame.astype({"line": "Int64", "column": "Int64", "start": "int64", "end": "int64", "confidence": "float64"})


def empty_findings_frame() -> "pandas.DataFrame":
    return findings_frame([])


def findings_parquet_schema():
    """The pyarrow schema for writing findings to Parquet (`.to_parquet(path, schema=...)`):
    Dask cannot infer the list columns from an empty frame."""
    import pyarrow as pa

    text, integer = pa.string(), pa.int64()
    types = {"line": integer, "column": integer, "start": integer, "end": integer, "confidence": pa.float64(),
             "suggestions": pa.list_(text), "evidence": pa.list_(text)}
    return pa.schema([(name, types.get(name, text)) for name in FINDING_COLUMNS])


# ---------------------------------------------------------------- dataframe -> dataframe


def check_frame(frame: "pandas.DataFrame", options: CheckOptions | None = None) -> "pandas.DataFrame":
    """Check one pandas partition of segments; every document in it is checked whole."""
    options = options or CheckOptions()
    findings: list[Finding] = []
    segments = frame_segments(frame)
    for _, document in groupby(segments, key=lambda segment: segment.file):
        findings.extend(check_segment_list(list(document), options))
    return findings_frame(sort_findings(findings))


def check_dataframe(segments, options: CheckOptions | None = None):
    """A Dask DataFrame of findings for a Dask DataFrame of segments (whole documents per partition)."""
    _dask()
    return segments.map_partitions(check_frame, options or CheckOptions(), meta=empty_findings_frame())


def read_segments_frame(paths: Iterable[str], *, encoding: str | None = None):
    """A Dask DataFrame of segments, one partition per file, read by mtcheck's readers."""
    _dask()
    import dask
    import dask.dataframe as dd

    from .readers import read_segments

    def load(path: str):
        return segments_frame(read_segments(path, encoding=encoding))

    parts = [dask.delayed(load)(str(path)) for path in paths]
    return dd.from_delayed(parts, meta=segments_frame([]), verify_meta=False)
