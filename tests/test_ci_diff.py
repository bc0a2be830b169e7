"""`--diff REF`: only findings in segments changed since a git revision."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from mtcheck.gitdiff import changed_segments
from mtcheck.models import Segment

from .formats_util import CLI_BASE, FORMATS_DIR, invoke

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    git(tmp_path, "init", "-q")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mt.txt").write_text("They set a record record.\nShops sold line and line.\n", encoding="utf-8")
    shutil.copy(FORMATS_DIR / "news.po", tmp_path / "docs" / "news.po")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def texts(result) -> list[str]:
    return [json.loads(line)["text"] for line in result.stdout.splitlines()]


def test_unchanged_files_report_nothing(repo):
    result = invoke(["check", "docs/mt.txt", "docs/news.po", *CLI_BASE, "--diff", "HEAD", "--format", "jsonl"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "--diff HEAD: 0 of" in result.stderr
    assert invoke(["check", "docs/mt.txt", *CLI_BASE]).exit_code == 1


def test_moved_lines_are_not_changed_but_new_ones_are(repo):
    (repo / "docs" / "mt.txt").write_text("A new new line.\nShops sold line and line.\nThey set a record record.\n", encoding="utf-8")
    result = invoke(["check", "docs/mt.txt", *CLI_BASE, "--diff", "HEAD", "--format", "jsonl"])
    assert result.exit_code == 1 and texts(result) == ["new new"]


def test_edited_po_entry_is_changed(repo):
    path = repo / "docs" / "news.po"
    path.write_text(path.read_text(encoding="utf-8").replace("%d record record", "%d great great record"), encoding="utf-8")
    result = invoke(["check", "docs/news.po", *CLI_BASE, "--diff", "HEAD", "--format", "jsonl"])
    assert texts(result) == ["great great"]


def test_a_file_new_since_ref_is_all_changed(repo):
    (repo / "docs" / "new.txt").write_text("Fresh fresh text.\n", encoding="utf-8")
    result = invoke(["check", "docs/new.txt", *CLI_BASE, "--diff", "HEAD", "--format", "jsonl"])
    assert result.exit_code == 1 and texts(result) == ["Fresh fresh"]


def test_diff_against_an_older_commit(repo):
    (repo / "docs" / "mt.txt").write_text("They set a record record.\nShops sold line and line.\nOne one more.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second")
    result = invoke(["check", "docs/mt.txt", *CLI_BASE, "--diff", "HEAD~1", "--format", "jsonl"])
    assert texts(result) == ["One one"]
    assert invoke(["check", "docs/mt.txt", *CLI_BASE, "--diff", "HEAD"]).exit_code == 0


@pytest.mark.parametrize("ref,message", [("no-such-branch", "unknown git revision 'no-such-branch'")])
def test_bad_ref_is_exit_2(repo, ref, message):
    result = invoke(["check", "docs/mt.txt", *CLI_BASE, "--diff", ref])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_outside_a_repository_is_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "mt.txt").write_text("Fine.\n", encoding="utf-8")
    result = invoke(["check", "mt.txt", *CLI_BASE, "--diff", "HEAD"])
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


def seg(segment_id: str, target: str) -> Segment:
    return Segment(id=segment_id, target=target, file="f")


@pytest.mark.parametrize(
    "old,new,changed",
    [
        (["a", "b"], ["a", "b"], []),
        (["a", "b"], ["b", "a"], []),  # moved
        (["a", "b"], ["a", "c"], ["2"]),
        (["a"], ["a", "a"], ["2"]),  # a second copy is new
        ([], ["a"], ["1"]),
    ],
)
def test_changed_segments_compare_text_with_counts(old, new, changed):
    current = [seg(str(n), t) for n, t in enumerate(new, start=1)]
    previous = [seg(str(n), t) for n, t in enumerate(old, start=1)]
    assert sorted(i for _, i in changed_segments(current, previous)) == changed


@pytest.mark.parametrize("option", ["--diff-ref", "--diff"])
def test_diff_ref_is_the_option_name_and_diff_its_older_alias(repo, option):
    (repo / "docs" / "mt.txt").write_text("A new new line.\nShops sold line and line.\nThey set a record record.\n", encoding="utf-8")
    result = invoke(["check", "docs/mt.txt", *CLI_BASE, option, "HEAD", "--format", "jsonl"])
    assert result.exit_code == 1 and texts(result) == ["new new"]
