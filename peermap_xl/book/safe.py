"""Writing the user's record safely: never half a file, always the previous version kept.

A write to a workbook is one transaction (`transaction(path)`): an advisory lock beside
the workbook held across read-modify-write, so a second writer waits and then reads what
the first wrote; Excel's and LibreOffice's lock files honoured; only a regular, writable
file written (through a symbolic link to its target); the file's mode kept; the backup
itself written atomically; temporary files removed when stopped, and those a killed run
left behind removed at the next write. An output (a map, the minutes) is never written through a
symbolic link and, within `outputs_of(workbook)`, is readable by nobody the workbook is not readable by.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from peermap_xl.contract.errors import WorkbookError

#: Every temporary file peermap writes starts so; the process that wrote it follows.
TEMP_PREFIX = ".peermap-"
#: How long a second writer waits for the first before giving up (seconds).
LOCK_WAIT = 120.0
#: A temporary file of an older peermap (no process number in its name) is stale after this (seconds).
OLD_TEMP_AGE = 3600.0


def lock_file(path: Path) -> Path:
    """The owner file Excel keeps beside a workbook it has open."""
    return Path(path).with_name("~$" + Path(path).name)


def office_lock_files(path: Path) -> list[tuple[str, Path]]:
    """(program, lock file) for each office program that marks a workbook it has open."""
    path = Path(path)
    return [("Excel", lock_file(path)), ("LibreOffice", path.with_name(f".~lock.{path.name}#"))]


def peermap_lock(path: Path) -> Path:
    """peermap's own (advisory) lock beside the workbook; it holds no data."""
    return Path(path).with_name(f".~peermap.{Path(path).name}.lock")


def real_path(path: Path) -> Path:
    """The file a write goes to: the target of a symbolic link, or the path itself."""
    path = Path(path)
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise WorkbookError(f"{path.name} is a shortcut (symbolic link) to a file that is not there. "
                            "Give peermap the workbook itself.")
    return target


def backup_path(path: Path) -> Path:
    """Where the previous version is kept: "Book.xlsm" -> "Book.backup.xlsm" (beside the real file)."""
    path = real_path(path) if Path(path).is_symlink() and Path(path).exists() else Path(path)
    return path.with_name(f"{path.stem}.backup{path.suffix}")


def ensure_closed(path: Path) -> None:
    """Refuse a workbook that Excel or LibreOffice has open (beside a symbolic link or its target)."""
    path = Path(path)
    places = [path] if not path.is_symlink() else [path, Path(os.path.realpath(path))]
    for place in places:
        for program, lock in office_lock_files(place):
            if lock.exists() or lock.is_symlink():
                raise WorkbookError(f"{place.name} is open in {program} (or {program} closed without tidying "
                                    f"up). Save and close it, then try again. If it is not open, delete "
                                    f"{lock.name} beside it.")


def _read_only(path: Path) -> bool:
    """No one may write it (its permissions say so, even to an administrator who could)."""
    return not os.stat(path).st_mode & 0o222 or not os.access(path, os.W_OK)


def check_writable(path: Path) -> None:
    """Refuse, in words a person can act on, anything peermap cannot safely replace at `path`."""
    path = Path(path)
    folder = path.parent
    if path.exists():
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise WorkbookError(f"{path.name} is a folder: peermap cannot write a file there. Rename or move the "
                                "folder, then run again.")
        if not stat.S_ISREG(mode):
            raise WorkbookError(f"{path.name} is not an ordinary file (it is a pipe, a device or a socket). "
                                "Give peermap the workbook file itself.")
        if _read_only(path):
            raise WorkbookError(f"{path.name} is read-only. Make a copy you may change (or ask for write "
                                "access), then try again.")
    if not folder.is_dir():
        raise WorkbookError(f"The folder {folder} does not exist. Create it first.")
    if _read_only(folder):
        raise WorkbookError(f"The folder holding {path.name} is read-only, so peermap cannot keep a backup "
                            "and save safely there. Copy the workbook to a folder you may change.")


# --- temporary files: removed when stopped, and those a killed run left removed at the next write ---------

_live_temps: set[Path] = set()
_signal_depth = 0
_TEMP_PID = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")


def _new_temp(beside: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=beside.suffix,
                                    dir=beside.parent)
    os.close(handle)
    temp = Path(os.path.abspath(name))
    _live_temps.add(temp)
    return temp


def _drop_temp(temp: Path) -> None:
    temp.unlink(missing_ok=True)
    _live_temps.discard(temp)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _stale(temp: Path) -> bool:
    found = _TEMP_PID.match(temp.name)
    if found:
        return not _process_alive(int(found.group(1)))
    return time.time() - temp.lstat().st_mtime > OLD_TEMP_AGE


def clean_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files a killed peermap left in `folder`; returns those removed."""
    removed = []
    for temp in Path(os.path.abspath(folder)).glob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if temp not in _live_temps and not temp.is_dir() and _stale(temp):
                temp.unlink()
                removed.append(temp)
    return removed


def _on_signal(signum, frame) -> None:
    for temp in list(_live_temps):
        with contextlib.suppress(OSError):
            temp.unlink()
    raise KeyboardInterrupt(f"stopped by signal {signum}")


@contextlib.contextmanager
def temps_removed_on_signals() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM remove peermap's temporary files and unwind (releasing locks)."""
    global _signal_depth
    if threading.current_thread() is not threading.main_thread() or _signal_depth:
        _signal_depth += 1
        try:
            yield
        finally:
            _signal_depth -= 1
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, _on_signal)
    _signal_depth += 1
    try:
        yield
    finally:
        _signal_depth -= 1
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- the transaction ----------------------------------------------------------------------------------


@contextlib.contextmanager
def transaction(path: str | Path, wait: float | None = None) -> Iterator[Path]:
    """Hold the workbook for a read-modify-write; yields the real file written.

    A second writer waits (up to LOCK_WAIT seconds) for the first to finish, then reads what it wrote.
    Nested transactions on the same workbook in one process share the lock.
    """
    from filelock import FileLock, Timeout

    path = Path(path)
    target = real_path(path)
    if Path(os.path.abspath(target)) in _live_temps:  # a file this process is still making: private to it
        yield target
        return
    check_writable(target)
    ensure_closed(path)
    lock = FileLock(peermap_lock(target), timeout=LOCK_WAIT if wait is None else wait, is_singleton=True)
    try:
        lock.acquire()
    except Timeout:
        raise WorkbookError(f"Another peermap is still saving {path.name}. Wait for it to finish, then try "
                            "again.") from None
    except OSError:
        raise WorkbookError(f"peermap cannot write in the folder holding {path.name}. Copy the workbook to a "
                            "folder you may change.") from None
    try:
        ensure_closed(path)  # Excel or LibreOffice may have opened it while this one waited
        clean_stale_temps(target.parent)
        with temps_removed_on_signals():
            yield target
    finally:
        if lock.lock_counter == 1:  # nothing left behind: filelock 4 retries a lock file unlinked under it
            with contextlib.suppress(OSError):
                peermap_lock(target).unlink()
        lock.release()


def _new_file_mode() -> int:
    """The mode a new file gets here (0o666 less the umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _keep_owner_and_mode(temp: Path, like: Path | None, at_most: int = 0o7777) -> None:
    if like is None or not like.exists():
        os.chmod(temp, _new_file_mode() & at_most)
        return
    st = os.stat(like)
    os.chmod(temp, stat.S_IMODE(st.st_mode) & at_most)
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):
            os.chown(temp, st.st_uid, st.st_gid)


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_backup(path: Path) -> Path:
    """Copy `path` to its backup atomically: the previous backup stays until the new one is whole.

    A backup path that is a symbolic link is replaced by the copy, never followed.
    """
    path = Path(path)
    backup = backup_path(path)
    if backup.is_dir() and not backup.is_symlink():
        raise WorkbookError(f"{backup.name} beside the workbook is a folder: move it, so peermap can keep the "
                            "previous version there.")
    temp = _new_temp(backup)
    try:
        shutil.copyfile(path, temp)
        _keep_owner_and_mode(temp, path)
        _fsync(temp)
        os.replace(temp, backup)
    finally:
        _drop_temp(temp)
    return backup


def write_atomically(path: Path, write: Callable[[Path], None], *, backup: bool = True,
                     at_most: int = 0o7777) -> None:
    """Call `write(temp_path)`, then put the result at `path` in one step.

    The previous file, if any, is copied to backup_path(path) first. If `write` fails (or the
    process is stopped), `path` is left exactly as it was. A symbolic link is written through
    to its target; the file keeps its mode (less any bit not in `at_most`).
    """
    path = Path(path)
    ensure_closed(path)
    target = real_path(path)
    check_writable(target)
    with temps_removed_on_signals():
        clean_stale_temps(target.parent)
        temp = _new_temp(target)
        try:
            write(temp)
            _keep_owner_and_mode(temp, target, at_most)
            _fsync(temp)
            if backup and target.exists():
                write_backup(target)
            os.replace(temp, target)
            _fsync_folder(target.parent)
        finally:
            _drop_temp(temp)


def write_output(path: Path, write: Callable[[Path], None]) -> None:
    """Write an output beside the workbook (a map, the minutes, a list) as `write_atomically` does, with no
    backup; refused when `path` is a symbolic link, which would write into whatever file it points to (a
    planted link, issue 30): only the workbook itself is written through a link."""
    refuse_link(path)
    write_atomically(Path(path), write, backup=False, at_most=output_mask())


def refuse_link(path: Path) -> None:
    """Refused (before anything is written) when an output's `path` is a symbolic link."""
    path = Path(path)
    if path.is_symlink():
        raise WorkbookError(f"{path.name} is a shortcut (symbolic link): peermap never writes an output through "
                            "one. Delete or rename it, then run again.")


def keep_earlier(path: Path) -> Path | None:
    """Before a document is written again (the minutes of a session): the one there kept beside it as
    "<name> (earlier 1).docx" (the first number free), as it was; None when there is none. Never overwrites."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return None
    for n in range(1, 1000):
        earlier = path.with_name(f"{path.stem} (earlier {n}){path.suffix}")
        if not (earlier.exists() or earlier.is_symlink()):
            break
    else:
        raise WorkbookError(f"{path.name} has been written a thousand times: move the earlier copies beside it "
                            "to another folder, then run again.")
    try:
        os.link(path, earlier)  # the earlier file itself, under a new name: nothing copied, nothing lost
    except OSError:
        create_new(earlier, path.read_bytes())
    return earlier


@contextlib.contextmanager
def keeping_earlier(path: Path, kept: list | None = None) -> Iterator[Path | None]:
    """Around writing a document again: the one there kept first (`keep_earlier`), its path appended to `kept`
    once the new one is written; if writing fails, the one there is as it was and the second name goes."""
    earlier = keep_earlier(path)
    try:
        yield earlier
    except BaseException:
        if earlier is not None:
            earlier.unlink(missing_ok=True)
        raise
    if earlier is not None and kept is not None:
        kept.append(earlier)


#: The widest permissions an output may have here: those of the workbook it comes from (`outputs_of`).
_OUTPUTS_AT_MOST: contextvars.ContextVar[int] = contextvars.ContextVar("peermap_outputs_at_most", default=0o7777)


def output_mask() -> int:
    """The permission bits an output written now may have (every bit outside `outputs_of`)."""
    return _OUTPUTS_AT_MOST.get()


def set_output_mask(mask: int) -> None:
    """In a process drawing pages for another: the mask that process had (see draw.overview.Pages)."""
    _OUTPUTS_AT_MOST.set(mask)


@contextlib.contextmanager
def outputs_of(book: str | Path) -> Iterator[None]:
    """Outputs written inside are readable (and writable) by nobody the workbook is not (issue 30): the
    minutes and maps of a private record stay private. Its owner may always write them again."""
    try:
        mask = stat.S_IMODE(os.stat(book).st_mode) | stat.S_IWUSR | stat.S_IRUSR
    except OSError:  # no workbook yet (or unreadable): refused where it is read, with its own message
        mask = 0o7777
    token = _OUTPUTS_AT_MOST.set(_OUTPUTS_AT_MOST.get() & mask)
    try:
        yield
    finally:
        _OUTPUTS_AT_MOST.reset(token)


def create_new(path: Path, data: bytes) -> None:
    """Write a new file, refusing to replace one that is there."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise WorkbookError(f"{path.name} already exists. Choose another name: peermap never "
                            "overwrites a workbook.")
    if not path.parent.is_dir():
        raise WorkbookError(f"The folder {path.parent} does not exist. Create it first.")
    write_atomically(path, lambda temp: temp.write_bytes(data), backup=False)


# --- names of the files peermap writes -------------------------------------------------------------------

#: The longest part of a file name made from the user's text (the rest: the kind of output and the date).
NAME_PART = 80
_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def name_part(text: str, limit: int = NAME_PART, empty: str = "network") -> str:
    """Text made safe for a file name: no characters Windows forbids, one line, at most `limit` characters
    (`empty` when nothing is left). A long text is cut at a word where it can be, and marked with an ellipsis.
    """
    clean = " ".join(_NOT_IN_NAMES.sub(" ", str(text)).split()).strip(" .")
    return shorten(clean, limit).strip(" .") or empty


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word where it can be and marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;-\u2013") + "\u2026"
