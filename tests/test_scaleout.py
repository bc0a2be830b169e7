"""Dask integration: the same findings as the single-process engine, on a small corpus."""

from __future__ import annotations

import pytest

pytest.importorskip("dask.dataframe")

from mtcheck import scaleout  # noqa: E402
from mtcheck.engine import run_checks  # noqa: E402
from mtcheck.options import CheckOptions  # noqa: E402
from mtcheck.readers import read_segments  # noqa: E402

from .conftest import modules_imported_by  # noqa: E402

GLOSSARY = (
    "approved,wrong,variants,case_sensitive,intended_sense,literal_sense,domain\n"
    "Xiaomi,millet,,no,Xiaomi shipped a new phone,millet is a grain eaten as porridge,company\n"
    "Huawei,,,yes,,,company\n"
    "online and offline,line and line,,no,,,business\n"
    "big data,large data,,no,,,technology\n"
    "integration,,fusion|convergence,no,,,business\n"
)
# Written for this test: garbled MT in the style the checker targets, and clean lines.
DOCUMENTS = {
    "report.txt": [
        "On the 12 day, the 03 edition said that millet had opened 16 thousand stores.",
        "The chairman said the record record sales came from line and line channels.",
        "HUAWEI and Xiaomi both use large data tools.",
        "The integration of factories and the fusion of services were discussed.",
    ],
    "notes.txt": [
        "Millet porridge is eaten in the north.",
        "The the Wang Lei said that research and research must go on.",
        "Nothing is wrong with this sentence.",
    ],
}
TABLE = "id\ttarget\nq1\tSales of millet phones grew online and offline.\nq2\tThe fusion of data and the integration of teams.\n"


@pytest.fixture
def corpus(tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    paths = []
    for name, lines in DOCUMENTS.items():
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    table = tmp_path / "memory.tsv"
    table.write_text(TABLE, encoding="utf-8")
    paths.append(str(table))
    options = CheckOptions(glossaries=(str(glossary),), use_default_glossary=False, embed=False)
    return paths, options


def single_process(paths, options):
    segments = [segment for path in paths for segment in read_segments(path)]
    return list(run_checks(segments, options).findings)


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_bag_of_files_gives_the_single_process_findings(corpus, scheduler):
    paths, options = corpus
    expected = single_process(paths, options)
    assert len(expected) >= 10 and {f.rule[:2] for f in expected} >= {"GL", "RP", "NU", "CO"}
    assert scaleout.check_files(paths, options, scheduler=scheduler) == expected


def test_bag_in_worker_processes(corpus):
    paths, options = corpus
    assert scaleout.check_files(paths, options, scheduler="processes") == single_process(paths, options)


def test_file_order_does_not_matter(corpus):
    paths, options = corpus
    assert scaleout.check_files(list(reversed(paths)), options, scheduler="synchronous") == single_process(paths, options)


def test_segment_frame_round_trip(corpus):
    paths, _ = corpus
    segments = [segment for path in paths for segment in read_segments(path)]
    assert scaleout.frame_segments(scaleout.segments_frame(segments)) == segments


def test_frame_without_optional_columns():
    import pandas as pd

    segments = scaleout.frame_segments(pd.DataFrame({"target": ["millet phones", "line and line"]}))
    assert [(s.id, s.file, s.line) for s in segments] == [("1", "<frame>", None), ("2", "<frame>", None)]


def test_frame_without_target_column_is_a_clear_error():
    import pandas as pd

    from mtcheck.errors import InputError

    with pytest.raises(InputError, match="no 'target' column"):
        scaleout.frame_segments(pd.DataFrame({"text": ["x"]}))


def _records(frame):
    return [tuple(row) for row in frame.sort_values(["file", "line", "start", "end", "rule"]).astype(str).itertuples(index=False)]


def test_dataframe_from_readers(corpus):
    paths, options = corpus
    expected = scaleout.findings_frame(single_process(paths, options))
    ddf = scaleout.read_segments_frame(paths)
    assert ddf.npartitions == len(paths)
    result = scaleout.check_dataframe(ddf, options).compute(scheduler="synchronous")
    assert list(result.columns) == list(scaleout.FINDING_COLUMNS)
    assert _records(result) == _records(expected)


def test_dataframe_from_parquet_partitions(corpus, tmp_path):
    import dask.dataframe as dd

    paths, options = corpus
    expected = scaleout.findings_frame(single_process(paths, options))
    folder = tmp_path / "segments.parquet"
    folder.mkdir()
    for index, path in enumerate(paths):  # one Parquet file per document
        scaleout.segments_frame(read_segments(path)).to_parquet(folder / f"part.{index}.parquet", index=False)
    ddf = dd.read_parquet(str(folder))
    result = scaleout.check_dataframe(ddf, options).compute(scheduler="threads")
    assert _records(result) == _records(expected)
    out = tmp_path / "findings.parquet"
    scaleout.check_dataframe(ddf, options).to_parquet(str(out), write_index=False, schema=scaleout.findings_parquet_schema())
    written = dd.read_parquet(str(out)).compute()
    assert len(written) == len(expected)
    assert sorted(map(list, written["suggestions"])) == sorted(expected["suggestions"])


def test_changed_glossary_is_reloaded(corpus, tmp_path):
    import os

    paths, options = corpus
    before = scaleout.check_files(paths[:1], options, scheduler="synchronous")
    glossary = options.glossaries[0]
    with open(glossary, "a", encoding="utf-8") as handle:
        handle.write("sales record,record record,,no,,,business\n")
    stat = os.stat(glossary)
    os.utime(glossary, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    after = scaleout.check_files(paths[:1], options, scheduler="synchronous")
    assert after == single_process(paths[:1], options) and after != before


def _without(monkeypatch, package: str) -> None:
    """Make `import package` (and its submodules) fail, as if it were not installed."""
    import builtins

    real_import = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name == package or name.startswith(package + "."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", blocked)


def test_missing_dask_is_a_clear_error(monkeypatch):
    from mtcheck.errors import ConfigError

    _without(monkeypatch, "dask")
    with pytest.raises(ConfigError, match="pip install 'mtcheck\\[dask\\]'"):
        scaleout.check_files_bag(["x.txt"])


def test_importing_scaleout_stays_light():
    assert modules_imported_by("import mtcheck.scaleout", ("dask", "pandas", "pyarrow", "torch")) == []


@pytest.fixture(scope="module")
def cluster():
    """A dask.distributed LocalCluster with two worker processes on loopback, stopped after the tests."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=50) as local:
        with distributed.Client(local, timeout=60) as client:
            yield client


def test_bag_on_a_distributed_cluster(corpus, cluster):
    paths, options = corpus
    findings = cluster.compute(scaleout.check_files_bag(paths, options)).result(timeout=120)
    assert scaleout.sort_findings(findings) == single_process(paths, options)


def test_dataframe_on_a_distributed_cluster(corpus, cluster):
    paths, options = corpus
    expected = scaleout.findings_frame(single_process(paths, options))
    result = cluster.compute(scaleout.check_dataframe(scaleout.read_segments_frame(paths), options)).result(timeout=120)
    assert _records(result) == _records(expected)


# ---------------------------------------------------------------- the CLI on a cluster (--dask-scheduler)

REFERENCE = (  # a human translation of DOCUMENTS["report.txt"], line by line
    "On the 12th, the third edition said that Xiaomi had opened 16,000 stores.\n"
    "The chairman said record sales came from online and offline channels.\n"
    "Huawei and Xiaomi both use big data tools.\n"
    "The integration of factories and of services was discussed.\n"
)


def _check_args(paths, options, *extra):
    return ["check", *paths, "--no-default-glossary", "--glossary", options.glossaries[0], "--no-embed", *extra]


def _invoke(args):
    from click.testing import CliRunner

    from mtcheck.cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


def _address(client):
    return client.scheduler.address


def test_check_on_client_gives_the_single_process_result(corpus, cluster, tmp_path):
    paths, options = corpus
    reference = tmp_path / "report.ref.txt"
    reference.write_text(REFERENCE, encoding="utf-8")
    segments = [*read_segments(paths[0], reference=str(reference)), *(s for path in paths[1:] for s in read_segments(path))]
    expected = run_checks(segments, options)
    result = scaleout.check_on_client(cluster, segments, options)
    assert result.findings == expected.findings and len(expected.findings) >= 10
    assert (result.segments, result.scores, result.overall_score, result.signature) == (
        expected.segments, expected.scores, expected.overall_score, expected.signature)
    assert result.extras["metrics"] == expected.extras["metrics"]  # sacrebleu scores from the reference
    assert {"setup", "check"} <= set(result.timings)


@pytest.mark.parametrize("extra", [
    ("--format", "json"),
    ("--format", "terminal", "--color", "never"),
    ("--format", "jsonl", "--fail-on", "warning"),
    ("--format", "sarif", "--select", "GL,CO", "--fail-on", "never"),
])
def test_cli_on_a_cluster_writes_the_single_process_report(corpus, cluster, extra):
    paths, options = corpus
    plain = _invoke(_check_args(paths, options, *extra))
    distributed = _invoke(_check_args(paths, options, *extra, "--dask-scheduler", _address(cluster)))
    assert plain.exit_code in (0, 1) and plain.stdout.count("\n") >= 3
    assert (distributed.exit_code, distributed.stdout) == (plain.exit_code, plain.stdout)


def test_cli_on_a_cluster_with_a_baseline_and_a_report_file(corpus, cluster, tmp_path):
    paths, options = corpus
    baseline = tmp_path / "baseline.json"
    assert _invoke(["baseline", "create", *paths[:1], *_check_args([], options)[1:], "-o", str(baseline)]).exit_code == 0
    outputs = {}
    for name, extra in (("plain", ()), ("cluster", ("--dask-scheduler", _address(cluster)))):
        outputs[name] = tmp_path / f"{name}.md"
        done = _invoke(_check_args(paths, options, "--baseline", str(baseline), "--format", "markdown", "-o", str(outputs[name]), *extra))
        assert done.exit_code == 1, done.output
    assert outputs["cluster"].read_text(encoding="utf-8") == outputs["plain"].read_text(encoding="utf-8")


def test_an_error_on_a_worker_is_the_single_process_error_line(corpus, cluster, tmp_path):
    paths, options = corpus
    args = ["check", *paths, "--no-default-glossary", "--glossary", str(tmp_path / "missing.csv"), "--no-embed"]
    plain = _invoke(args)
    on_cluster = _invoke([*args, "--dask-scheduler", _address(cluster)])
    assert plain.exit_code == 2 and plain.stderr.startswith("mtcheck: error: ")
    assert (on_cluster.exit_code, on_cluster.stderr) == (plain.exit_code, plain.stderr)


def test_dask_scheduler_from_the_configuration(corpus, cluster, tmp_path, monkeypatch):
    paths, options = corpus
    plain = _invoke(_check_args(paths, options, "--format", "json"))
    config = tmp_path / "cluster.toml"
    config.write_text(f'dask_scheduler = "{_address(cluster)}"\n', encoding="utf-8")
    on_cluster = _invoke(_check_args(paths, options, "--format", "json", "--config", str(config), "--timings"))
    assert on_cluster.exit_code == plain.exit_code
    assert on_cluster.stdout == plain.stdout
    assert "timing check" in on_cluster.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_scheduler_is_one_line_naming_the_address(corpus):
    paths, options = corpus
    address = f"tcp://127.0.0.1:{_free_port()}"
    done = _invoke(_check_args(paths, options, "--dask-scheduler", address, "--dask-timeout", "1"))
    assert done.exit_code == 2
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith(f"mtcheck: error: Dask scheduler {address}: no scheduler reachable within 1 s")


def test_bad_scheduler_address_is_one_line(corpus):
    paths, options = corpus
    done = _invoke(_check_args(paths, options, "--dask-scheduler", "gopher://127.0.0.1:1", "--dask-timeout", "1"))
    assert done.exit_code == 2 and done.stderr.strip().count("\n") == 0
    assert "not a scheduler address" in done.stderr and "tcp://HOST:PORT" in done.stderr


def test_scheduler_without_workers_is_one_line(corpus):
    distributed = pytest.importorskip("distributed")
    paths, options = corpus
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=":0", silence_logs=50) as empty:
        done = _invoke(_check_args(paths, options, "--dask-scheduler", empty.scheduler_address, "--dask-timeout", "1"))
    assert done.exit_code == 2 and done.stderr.strip().count("\n") == 0
    assert "the scheduler has no worker after 1 s" in done.stderr and "dask worker" in done.stderr


@pytest.mark.parametrize("config_line, given", [
    (None, "--dask-scheduler"),
    ('dask_scheduler = "tcp://127.0.0.1:1"', "the configuration's dask_scheduler"),
])
def test_jobs_cannot_go_with_a_scheduler(corpus, tmp_path, config_line, given):
    paths, options = corpus
    extra = ["--jobs", "2"]
    if config_line is None:
        extra += ["--dask-scheduler", "tcp://127.0.0.1:1"]
    else:
        config = tmp_path / "cluster.toml"
        config.write_text(config_line + "\n", encoding="utf-8")
        extra += ["--config", str(config)]
    done = _invoke(_check_args(paths, options, *extra))
    assert done.exit_code == 2
    assert done.stderr == f"mtcheck: error: --jobs cannot go with {given} (the cluster's workers run the documents: start more workers instead)\n"


def test_missing_distributed_is_a_clear_cli_error(corpus, monkeypatch):
    paths, options = corpus
    _without(monkeypatch, "distributed")
    done = _invoke(_check_args(paths, options, "--dask-scheduler", "tcp://127.0.0.1:1"))
    assert done.exit_code == 2
    assert done.stderr == "mtcheck: error: dask.distributed is not installed (pip install 'mtcheck[dask]')\n"


def _document_result(signature, findings=(), **timings):
    return scaleout.DocumentResult(tuple(findings), signature, timings)


def test_merged_results_sum_the_stage_timings(corpus):
    paths, options = corpus
    segments = [segment for path in paths for segment in read_segments(path)]
    expected = run_checks(segments, options)
    documents = scaleout.split_documents(segments)
    parts = [scaleout.check_document_task(scaleout.DocumentSegments(tuple(document)), options) for document in documents]
    merged = scaleout.merge_document_results(segments, [*parts, _document_result(expected.signature, check=2.0)])
    assert merged.findings == expected.findings and merged.scores == expected.scores
    assert merged.timings["check"] == pytest.approx(2.0 + sum(part.timings["check"] for part in parts))


def test_workers_with_different_setups_are_an_error(corpus):
    from mtcheck.errors import ConfigError

    paths, options = corpus
    segments = read_segments(paths[0])
    with pytest.raises(ConfigError, match="2 different setups"):
        scaleout.merge_document_results(segments, [_document_result("mtcheck:a"), _document_result("mtcheck:b")])


def test_split_documents_keeps_runs_of_one_file(corpus):
    paths, _ = corpus
    segments = [segment for path in paths for segment in read_segments(path)]
    documents = scaleout.split_documents(segments)
    assert [document[0].file for document in documents] == paths
    assert [segment for document in documents for segment in document] == segments
