"""Writing files without losing or replacing what should stay: reports, `fix -o` and
`fix --in-place`.

- A regular file is replaced atomically: the new bytes go to a temporary file beside it
  (`.FILE.mtcheck-XXXXXXXX.tmp`), are fsynced, get the old file's mode, owner (where
  allowed) and extended attributes, and are renamed over it. A new file gets
  0o666 & ~umask. A temporary file is removed on every failure; only kill -9 or a power
  cut can leave one behind, and then the original is intact (`orphaned_temps` finds them).
- A symlink is followed: its target is written, the link stays.
- Anything else (a device such as /dev/null, a FIFO, /dev/stdout, a terminal) is opened
  and written through; it is never replaced by a regular file.
- In place (`replace_in_place`): refused for read-only files and for files that changed
  since they were read (size, mtime_ns and a SHA-256 of the bytes are compared just before
  the replace). The backup FILE.bak (FILE.bak.N when taken) is written atomically too, so
  it is complete or absent. A file with other hard links is rewritten in its own inode
  after the backup, so every name sees the fix; without a backup that is refused.

Low-level functions raise OSError; `write_file` and `replace_in_place` turn it into a
one-line `OutputError`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .errors import OutputError

Data = bytes | Iterable[bytes]
TEMP_MARK = ".mtcheck-"
TEMP_SUFFIX = ".tmp"
_FD_ALIASES = ("/proc/", "/dev/fd/")


def temp_prefix(path: Path) -> str:
    return f".{path.name}{TEMP_MARK}"


def orphaned_temps(path: str | Path) -> list[Path]:
    """Temporary files that an interrupted write of `path` left beside it."""
    path = Path(path)
    pattern = re.compile(re.escape(f".{path.name}") + r"(?:\.bak)?" + re.escape(TEMP_MARK) + r"[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
    try:
        names = os.listdir(path.parent if str(path.parent) else ".")
    except OSError:
        return []
    return sorted(path.with_name(name) for name in names if pattern.fullmatch(name))


def current_umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    return 0o666 & ~current_umask()


def _pieces(data: Data) -> Iterable[bytes]:
    return (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data


def _write_all(fd: int, data: Data) -> None:
    for piece in _pieces(data):
        view = memoryview(piece)
        while view:
            written = os.write(fd, view)
            view = view[written:]


def _copy_metadata(fd: int, original: os.stat_result | None, source: Path | None) -> None:
    """Give the open temporary file the original's owner, mode and xattrs (a new file:
    0o666 & ~umask). Owner and xattrs are kept where the system allows it."""
    if original is None:
        os.fchmod(fd, new_file_mode())
        return
    if (original.st_uid, original.st_gid) != _owner(os.fstat(fd)):
        try:
            os.fchown(fd, original.st_uid, original.st_gid)
        except OSError:
            try:  # not root: a group the user belongs to can still be kept
                os.fchown(fd, -1, original.st_gid)
            except OSError:
                pass
    if source is not None and hasattr(os, "listxattr"):
        try:
            names = os.listxattr(source)
        except OSError:
            names = []
        for name in names:
            try:
                os.setxattr(fd, name, os.getxattr(source, name))
            except OSError:
                pass
    os.fchmod(fd, stat.S_IMODE(original.st_mode))  # after chown, which clears set-id bits


def _owner(info: os.stat_result) -> tuple[int, int]:
    return info.st_uid, info.st_gid


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(path: Path, data: Data, original: os.stat_result | None, source: Path | None = None) -> Path:
    """A complete, fsynced temporary file beside `path` with the metadata of `original`
    (the stat of `source`, by default `path` itself)."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
    temp = Path(name)
    try:
        try:
            _write_all(fd, data)
            _copy_metadata(fd, original, source or path)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write(path: str | Path, data: Data, *, before_replace: Callable[[], None] | None = None) -> None:
    """Replace the regular file `path` (or create it) with `data` (bytes, or consecutive
    pieces of bytes) through a temporary file and a rename. `before_replace` runs just
    before the rename and may raise to stop it. Raises OSError; the original stays intact."""
    path = Path(path)
    try:
        original = os.stat(path)
    except FileNotFoundError:
        original = None
    temp = _write_temp(path, data, original)
    try:
        if before_replace is not None:
            before_replace()
        os.replace(temp, path)
    except BaseException:
        _remove(temp)
        raise
    _fsync_folder(path.parent if str(path.parent) else Path("."))


def link_chain(path: str | Path, limit: int = 40) -> list[str]:
    """`path` and every symlink target after it, each with its folder resolved."""
    chain = [_canonical(os.fspath(path))]
    while os.path.islink(chain[-1]) and len(chain) <= limit:
        target = os.readlink(chain[-1])
        chain.append(_canonical(os.path.join(os.path.dirname(chain[-1]), target)))
    return chain


def _canonical(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


@dataclass(frozen=True)
class Destination:
    """Where bytes for `path` go: `target` (the file behind any symlinks) and how."""

    target: Path
    through: bool  # open and write (device, FIFO, /dev/stdout...) instead of replacing
    info: os.stat_result | None  # None: does not exist yet


def destination(path: str | Path) -> Destination:
    try:
        chain = link_chain(path)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", where=str(path)) from None
    target = Path(chain[-1])
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", where=str(path)) from None
    if any(link.startswith(_FD_ALIASES) for link in chain):
        return Destination(Path(path), True, info)  # /dev/stdout, /proc/self/fd/N: the open file itself
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError("is a directory", where=str(path), hint="name a file")
    return Destination(target, info is not None and not stat.S_ISREG(info.st_mode), info)


def _write_through(dest: Destination, data: Data) -> None:
    flags = os.O_WRONLY | os.O_CLOEXEC
    if dest.info is not None and stat.S_ISREG(dest.info.st_mode):
        flags |= os.O_APPEND  # a regular file behind /dev/stdout: add to it like the shell's fd does
    fd = os.open(dest.target, flags)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def write_file(path: str | Path, data: Data) -> None:
    """Write a report or a corrected copy to `path`: atomically for a regular (or new)
    file, through the node for anything else, through symlinks to their target. Missing
    folders are created. Raises OutputError (one line) when it cannot be written."""
    dest = destination(path)
    try:
        if dest.through:
            _write_through(dest, data)
            return
        dest.target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dest.target, data)
    except OSError as exc:
        raise write_error(exc, path, unchanged=dest.info is not None and not dest.through) from None


def write_error(exc: OSError, path: str | Path, *, unchanged: bool = True, backup: Path | None = None) -> OutputError:
    """The one-line error for a failed write of `path`."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        hint = "free some space and run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "the file or its folder is not writable; write elsewhere with -o PATH"
    else:
        hint = None
    state = f"; {Path(path).name} is unchanged" if unchanged else ""
    if backup is not None:
        state = f"; restore it from {backup}"
    return OutputError(f"cannot write: {reason}{state}", where=str(path), hint=hint)


# --- in place ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What a file was when it was read: to tell whether it changed before the replace."""

    size: int
    mtime_ns: int
    inode: int
    sha256: str

    @classmethod
    def take(cls, path: str | Path) -> "Snapshot | None":
        """The snapshot of `path`, or None when it cannot be read (the reader then says why)."""
        try:
            return cls.of(path)
        except OSError:
            return None

    @classmethod
    def of(cls, path: str | Path) -> "Snapshot":
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            digest = hashlib.sha256(handle.read()).hexdigest()
        return cls(info.st_size, info.st_mtime_ns, info.st_ino, digest)

    def differs(self, path: str | Path) -> bool:
        try:
            info = os.stat(path)
            if (info.st_size, info.st_mtime_ns, info.st_ino) != (self.size, self.mtime_ns, self.inode):
                return True
            return Snapshot.of(path).sha256 != self.sha256
        except OSError:
            return True


def backup_path(path: str | Path) -> Path:
    """FILE.bak, or FILE.bak.N when earlier backups exist (a backup is never overwritten)."""
    path = Path(path)
    candidate = path.with_name(path.name + ".bak")
    number = 1
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}.bak.{number}")
        number += 1
    return candidate


def write_backup(path: Path, data: bytes) -> Path:
    """A complete copy of `data` (the original bytes of `path`) under a new FILE.bak[.N],
    with the original's mode and times; never a partial file, never over another backup."""
    original = os.stat(path)
    temp = _write_temp(path.with_name(path.name + ".bak"), data, original, source=path)
    try:
        os.utime(temp, ns=(original.st_atime_ns, original.st_mtime_ns))
        while True:
            saved = backup_path(path)
            try:
                os.link(temp, saved)  # fails rather than overwrite a backup made meanwhile
                break
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                    raise
                os.replace(temp, saved)  # no hard links here: backup_path chose a free name
                return saved
    finally:
        _remove(temp)
    return saved


def _reserve(fd: int, size: int) -> None:
    """Reserve `size` bytes for the open file, so that a full disk fails before any byte
    is overwritten (where the file system supports it)."""
    if size > os.fstat(fd).st_size and hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise


def _changed(where: str) -> OutputError:
    return OutputError("file changed while it was being fixed; nothing written", where=where, hint="run the fix again")


def replace_in_place(path: str | Path, data: bytes, snapshot: Snapshot | None, *, backup: bool) -> Path | None:
    """Replace the file `path` (behind any symlinks) with `data`, keeping a backup first
    when asked. Returns the backup's path. Raises OutputError, leaving the file as it was,
    when the file is not a regular writable file, changed since `snapshot`, or cannot be
    written."""
    where = str(path)
    dest = destination(path)
    if dest.through or dest.info is None:
        raise OutputError("not a regular file; cannot fix it in place", where=where, hint="use -o PATH")
    target, info = dest.target, dest.info
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o222:
        raise OutputError(f"file is read-only (mode {mode:04o})", where=where, hint=f"make it writable (chmod u+w {where}) or write elsewhere with -o PATH")
    if not os.access(target, os.W_OK):
        raise OutputError(f"file is not writable by you (mode {mode:04o}, owner uid {info.st_uid})", where=where, hint="write elsewhere with -o PATH")
    hard_links = info.st_nlink > 1
    if hard_links and not backup:
        raise OutputError(f"file has {info.st_nlink} hard links and is rewritten in place, which needs a backup", where=where, hint="drop --no-backup")

    def unchanged() -> None:
        if snapshot is None or snapshot.differs(target):
            raise _changed(where)

    saved = None
    overwriting = False
    try:
        with open(target, "rb") as handle:
            original = handle.read()
        if snapshot is None or hashlib.sha256(original).hexdigest() != snapshot.sha256:
            raise _changed(where)
        if backup:
            try:
                saved = write_backup(target, original)
            except OSError as exc:
                raise OutputError(f"cannot write the backup: {exc.strerror or exc}; {Path(where).name} is unchanged", where=where, hint="free some space, or use --no-backup") from None
        if not hard_links:
            atomic_write(target, data, before_replace=unchanged)
            return saved
        fd = os.open(target, os.O_WRONLY | os.O_CLOEXEC)
        try:
            _reserve(fd, len(data))
            unchanged()
            overwriting = True
            os.lseek(fd, 0, os.SEEK_SET)
            _write_all(fd, data)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OutputError:
        if saved is not None:
            _remove(saved)
        raise
    except OSError as exc:
        if saved is not None and not overwriting:
            _remove(saved)
        raise write_error(exc, path, unchanged=not overwriting, backup=saved if overwriting else None) from None
    return saved
