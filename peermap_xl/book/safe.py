"""Writing the user's record safely: never half a file, always the previous version kept."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from peermap_xl.errors import WorkbookError


def lock_file(path: Path) -> Path:
    """The owner file Excel keeps beside a workbook it has open."""
    return path.with_name("~$" + path.name)


def backup_path(path: Path) -> Path:
    """Where the previous version is kept: "Book.xlsm" -> "Book.backup.xlsm"."""
    return path.with_name(f"{path.stem}.backup{path.suffix}")


def ensure_closed(path: Path) -> None:
    if lock_file(path).exists():
        raise WorkbookError(f"{path.name} is open in Excel (or Excel closed without tidying up). "
                            f"Save and close it, then try again. If it is not open, delete "
                            f"{lock_file(path).name} beside it.")


def write_atomically(path: Path, write: Callable[[Path], None], *, backup: bool = True) -> None:
    """Call `write(temp_path)`, then put the result at `path` in one step.

    The previous file, if any, is copied to backup_path(path) first. If
    `write` fails, `path` is left exactly as it was.
    """
    path = Path(path)
    ensure_closed(path)
    folder = path.parent
    handle, temp_name = tempfile.mkstemp(prefix=".peermap-", suffix=path.suffix, dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        write(temp)
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        if backup and path.exists():
            shutil.copy2(path, backup_path(path))
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def create_new(path: Path, data: bytes) -> None:
    """Write a new file, refusing to replace one that is there."""
    path = Path(path)
    if path.exists():
        raise WorkbookError(f"{path.name} already exists. Choose another name: peermap never "
                            "overwrites a workbook.")
    if not path.parent.is_dir():
        raise WorkbookError(f"The folder {path.parent} does not exist. Create it first.")
    write_atomically(path, lambda temp: temp.write_bytes(data), backup=False)
