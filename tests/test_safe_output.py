"""Writing reports and fixed files (mtcheck.safeio) through the CLI: nothing replaced that
is not a regular file, nothing lost, one-line errors (issue 11, items 4-7, 11, 17)."""

from __future__ import annotations

import errno
import os
import stat
import threading

import pytest
from hypothesis import given, settings, strategies as st

from mtcheck import safeio
from mtcheck.cli import main
from mtcheck.fixer import encode_fixed
from mtcheck.errors import InputError
from mtcheck.safeio import atomic_write, orphaned_temps

from .conftest import RULES_GLOSSARY
from .test_cli import runner  # noqa: F401  (the CliRunner fixture)

BASE = ["--no-default-glossary", "--glossary", RULES_GLOSSARY, "--no-embed"]
ORIGINAL = "They record record sales.\nAll fine here.\n"
FIXED = "They record sales.\nAll fine here.\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def mt_file(tmp_path):
    (tmp_path / "mt.txt").write_text(ORIGINAL, encoding="utf-8")
    return tmp_path / "mt.txt"


def fix_in_place(runner, path, *extra):
    return runner.invoke(main, ["fix", str(path), *BASE, "--in-place", "--no-diff", *extra])


def one_line_error(result) -> str:
    """The run failed with exit 2 and exactly one `mtcheck: error:` line, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("mtcheck: error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def leftovers(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


# --- item 4: -o onto a device, FIFO, symlink, /dev/stdout -------------------------------------


def device(tmp_path, name: str, minor: int) -> str:
    """A character device to write to: as root a fresh node in tmp_path (so that a
    regression cannot replace the system's /dev/NAME), else /dev/NAME itself (which a
    normal user cannot replace)."""
    if not IS_ROOT:
        if not os.path.exists(f"/dev/{name}"):
            pytest.skip(f"no /dev/{name}")
        return f"/dev/{name}"
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except OSError:
        pytest.skip("cannot create a device node here")
    return str(node)


def test_report_onto_dev_null_writes_through_the_device(runner, mt_file, tmp_path):
    null = device(tmp_path, "null", 3)
    result = runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", null])
    assert result.exit_code == 1, result.output
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert leftovers(os.path.dirname(null)) == []


def test_report_onto_a_fifo_is_written_into_it(runner, mt_file, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "jsonl", "-o", str(fifo)])
    reader.join(timeout=10)
    if reader.is_alive():  # the report did not go into the FIFO: release the waiting reader
        with open(fifo, "wb"):
            pass
        reader.join(timeout=10)
    assert result.exit_code == 1, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert b'"rule": "RP001"' in received[0]


def test_report_onto_dev_stdout_goes_to_the_open_stdout(runner, mt_file, capfd):
    result = runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "jsonl", "-o", "/dev/stdout"])
    assert result.exit_code == 1, result.output
    assert '"rule": "RP001"' in capfd.readouterr().out
    assert os.path.islink("/dev/stdout")


def test_report_onto_a_symlink_replaces_its_target_and_keeps_the_link(runner, mt_file, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target.name)
    result = runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", str(link)])
    assert result.exit_code == 1, result.output
    assert link.is_symlink() and os.readlink(link) == target.name
    assert '"RP001"' in target.read_text(encoding="utf-8")


def test_fix_output_onto_a_symlink_writes_the_target(runner, mt_file, tmp_path):
    target = tmp_path / "fixed-real.txt"
    link = tmp_path / "fixed.txt"
    link.symlink_to(target.name)  # dangling: the target is created
    result = runner.invoke(main, ["fix", str(mt_file), *BASE, "--no-diff", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_text(encoding="utf-8") == FIXED


def test_report_onto_a_full_device_is_one_line(runner, mt_file, tmp_path):
    full = device(tmp_path, "full", 7)
    line = one_line_error(runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", full]))
    assert "No space left on device" in line
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_report_onto_a_directory_is_one_line(runner, mt_file, tmp_path):
    assert "is a directory" in one_line_error(runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", str(tmp_path)]))


# --- item 5: in place on symlinks, hard links, owner, mode, xattrs, read-only -------------------


def test_fix_in_place_through_a_symlink_fixes_the_target_and_keeps_the_link(runner, mt_file, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(mt_file.name)
    result = fix_in_place(runner, link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and mt_file.read_text(encoding="utf-8") == FIXED
    assert (tmp_path / "mt.txt.bak").read_text(encoding="utf-8") == ORIGINAL


def test_fix_in_place_of_a_hard_link_updates_every_name(runner, mt_file, tmp_path):
    other = tmp_path / "other-name.txt"
    os.link(mt_file, other)
    inode = mt_file.stat().st_ino
    result = fix_in_place(runner, mt_file)
    assert result.exit_code == 0, result.output
    assert other.read_text(encoding="utf-8") == FIXED == mt_file.read_text(encoding="utf-8")
    assert mt_file.stat().st_ino == inode and mt_file.stat().st_nlink == 2
    assert (tmp_path / "mt.txt.bak").read_text(encoding="utf-8") == ORIGINAL


def test_fix_in_place_of_a_hard_link_without_backup_is_refused(runner, mt_file, tmp_path):
    os.link(mt_file, tmp_path / "other-name.txt")
    assert "hard links" in one_line_error(fix_in_place(runner, mt_file, "--no-backup"))
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL


def test_fix_in_place_keeps_mode_and_xattrs(runner, mt_file):
    os.chmod(mt_file, 0o640)
    try:
        os.setxattr(mt_file, "user.mtcheck-test", b"kept")
    except (OSError, AttributeError):
        pytest.skip("no user xattrs on this file system")
    result = fix_in_place(runner, mt_file, "--no-backup")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(mt_file.stat().st_mode) == 0o640
    assert os.getxattr(mt_file, "user.mtcheck-test") == b"kept"
    assert mt_file.read_text(encoding="utf-8") == FIXED


@pytest.mark.skipif(not IS_ROOT, reason="changing a file's owner needs root")
def test_fix_in_place_keeps_the_owner_as_root(runner, mt_file):
    os.chown(mt_file, 12345, 23456)
    result = fix_in_place(runner, mt_file)
    assert result.exit_code == 0, result.output
    info = mt_file.stat()
    assert (info.st_uid, info.st_gid) == (12345, 23456)
    backup = mt_file.with_name("mt.txt.bak").stat()
    assert (backup.st_uid, backup.st_gid) == (12345, 23456)


def test_fix_in_place_of_a_read_only_file_is_refused(runner, mt_file, tmp_path):
    os.chmod(mt_file, 0o444)
    line = one_line_error(fix_in_place(runner, mt_file))
    assert "read-only" in line and "chmod" in line
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL
    assert sorted(os.listdir(tmp_path)) == ["mt.txt"]


# --- item 6: the file changed while it was being fixed ---------------------------------------


def test_a_file_appended_to_during_the_fix_is_left_as_it_is(runner, mt_file, tmp_path, monkeypatch):
    import mtcheck.readers as readers

    rewrite = readers.rewrite_file

    def rewrite_while_someone_appends(decoded, changes):
        with open(mt_file, "a", encoding="utf-8") as handle:
            handle.write("A line added meanwhile.\n")
        return rewrite(decoded, changes)

    monkeypatch.setattr(readers, "rewrite_file", rewrite_while_someone_appends)
    assert "changed while" in one_line_error(fix_in_place(runner, mt_file))
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL + "A line added meanwhile.\n"
    assert sorted(os.listdir(tmp_path)) == ["mt.txt"]  # no backup, no temp file


def test_a_change_just_before_the_replace_is_detected(mt_file):
    snapshot = safeio.Snapshot.of(mt_file)
    os.utime(mt_file, ns=(0, 0))  # same bytes, another mtime: still refused
    with pytest.raises(safeio.OutputError, match="changed while"):
        safeio.replace_in_place(mt_file, b"new", snapshot, backup=True)
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL


# --- item 7: disk full, read-only folder, temp files -----------------------------------------


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_during_the_backup_leaves_no_partial_backup(runner, mt_file, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", _enospc)
    line = one_line_error(fix_in_place(runner, mt_file))
    assert "backup" in line and "No space left" in line
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL
    assert sorted(os.listdir(tmp_path)) == ["mt.txt"]


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_disk_full_without_backup_is_one_line_and_keeps_the_file(runner, mt_file, tmp_path, monkeypatch, failing):
    monkeypatch.setattr(os, failing, _enospc)
    line = one_line_error(fix_in_place(runner, mt_file, "--no-backup"))
    assert "No space left" in line and "unchanged" in line
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL
    assert sorted(os.listdir(tmp_path)) == ["mt.txt"]


def test_disk_full_on_a_hard_linked_file_fails_before_overwriting(runner, mt_file, tmp_path, monkeypatch):
    os.link(mt_file, tmp_path / "other-name.txt")
    monkeypatch.setattr(os, "write", _enospc)
    one_line_error(fix_in_place(runner, mt_file))
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL
    assert leftovers(tmp_path) == []


def test_disk_full_while_writing_a_report_is_one_line(runner, mt_file, tmp_path, monkeypatch):
    report = tmp_path / "report.json"
    monkeypatch.setattr(os, "write", _enospc)
    assert "No space left" in one_line_error(runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", str(report)]))
    assert not report.exists() and leftovers(tmp_path) == []


def test_unwritable_folder_is_one_line(runner, mt_file, tmp_path, monkeypatch):
    def denied(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(safeio.tempfile, "mkstemp", denied)
    assert "Permission denied" in one_line_error(runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", str(tmp_path / "r.json")]))
    assert "Permission denied" in one_line_error(fix_in_place(runner, mt_file, "--no-backup"))
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL


@pytest.mark.skipif(IS_ROOT, reason="root may write into a read-only folder")
def test_read_only_folder_is_one_line(runner, mt_file, tmp_path):
    os.chmod(tmp_path, 0o555)
    try:
        one_line_error(fix_in_place(runner, mt_file))
        one_line_error(runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "json", "-o", str(tmp_path / "r.json")]))
    finally:
        os.chmod(tmp_path, 0o755)
    assert mt_file.read_text(encoding="utf-8") == ORIGINAL


def test_an_interrupted_write_leaves_a_recognisable_temp_and_the_original(tmp_path, monkeypatch):
    path = tmp_path / "mt.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    monkeypatch.setattr(safeio, "_remove", lambda _path: None)  # as if killed before cleaning up
    monkeypatch.setattr(os, "replace", lambda *_args: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, b"new")
    assert path.read_text(encoding="utf-8") == ORIGINAL
    temps = orphaned_temps(path)
    assert len(temps) == 1 and temps[0].name.startswith(".mt.txt.mtcheck-") and temps[0].read_bytes() == b"new"


def test_fix_warns_about_orphaned_temps(runner, mt_file, tmp_path):
    orphan = tmp_path / ".mt.txt.mtcheck-abcd1234.tmp"
    orphan.write_text("half", encoding="utf-8")
    result = fix_in_place(runner, mt_file)
    assert result.exit_code == 0, result.output
    assert f"{orphan} was left by an interrupted write" in result.output


# --- item 11: a fix the file's encoding cannot hold ------------------------------------------


def test_fix_that_the_encoding_cannot_hold_is_skipped_with_a_warning(runner, tmp_path):
    glossary = tmp_path / "dash.csv"
    glossary.write_text("source,approved,wrong\n小米集团,Xiaomi\u2014Group,millet group\n", encoding="utf-8")
    path = tmp_path / "latin.txt"
    original = "Caf\xe9: the millet group said record record sales.\n"
    path.write_bytes(original.encode("latin-1"))
    result = runner.invoke(main, ["fix", str(path), "--no-default-glossary", "--glossary", str(glossary), "--no-embed", "--encoding", "latin-1", "--in-place", "--no-diff"])
    assert result.exit_code == 0, result.output
    assert "GL001 fix not applied" in result.output and "U+2014" in result.output
    assert path.read_bytes() == "Caf\xe9: the millet group said record sales.\n".encode("latin-1")  # RP001 still fixed


def test_encode_fixed_refuses_with_one_line():
    with pytest.raises(InputError, match="U\\+2014"):
        encode_fixed("a\u2014b", "latin-1", "f.txt")


# --- item 17: umask ---------------------------------------------------------------------------


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def test_new_reports_and_fixed_copies_honour_the_umask(runner, mt_file, tmp_path, umask_027):
    report, fixed = tmp_path / "r.csv", tmp_path / "fixed.txt"
    runner.invoke(main, ["check", str(mt_file), *BASE, "--format", "jsonl", "-o", str(report)])
    runner.invoke(main, ["fix", str(mt_file), *BASE, "--no-diff", "-o", str(fixed)])
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert stat.S_IMODE(fixed.stat().st_mode) == 0o640


def test_a_replaced_file_keeps_its_mode_whatever_the_umask(runner, mt_file, umask_027):
    os.chmod(mt_file, 0o604)
    assert fix_in_place(runner, mt_file).exit_code == 0
    assert stat.S_IMODE(mt_file.stat().st_mode) == 0o604
    assert stat.S_IMODE(mt_file.with_name("mt.txt.bak").stat().st_mode) == 0o604


@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.binary(max_size=200), max_size=5), mode=st.sampled_from([0o600, 0o640, 0o644, 0o664]))
def test_atomic_write_is_byte_identical_and_keeps_the_mode(tmp_path_factory, data, mode):
    path = tmp_path_factory.mktemp("aw") / "f.bin"
    path.write_bytes(b"old")
    os.chmod(path, mode)
    atomic_write(path, iter(data))
    assert path.read_bytes() == b"".join(data)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert orphaned_temps(path) == []
