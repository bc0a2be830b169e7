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


def test_missing_dask_is_a_clear_error(monkeypatch):
    import builtins

    from mtcheck.errors import ConfigError

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "dask" or name.startswith("dask."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
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
