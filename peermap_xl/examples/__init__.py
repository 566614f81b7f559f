"""Worked examples a new user can open, check and map."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from peermap_xl import schema
from peermap_xl.examples import city_road


def write_example(path: str | Path, checked_as_of: dt.date | None = None) -> Path:
    """Write the City Road example workbook to `path` (the previous file kept as a backup).

    With `checked_as_of`, the checks as of that date are recorded in it and its map drawn onto
    its Map sheet and beside it, as `peermap check --write` and `peermap map --write` do.
    """
    import openpyxl

    from peermap_xl.book import edit, safe
    from peermap_xl.template import template_bytes

    def write(temp: Path) -> None:
        template = template_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(template), keep_vba=True)
        edit.set_network_values(wb, city_road.NETWORK)
        for sheet in schema.DATA_SHEETS:
            edit.append_records(wb, sheet, city_road.RECORDS[sheet.name])
        edit.save(wb, temp, backup=False, original=template)
        if checked_as_of:
            from peermap_xl.operations import check_book, draw_map

            check_book(temp, checked_as_of, backup=False)
            draw_map(temp, Path(path).parent, checked_as_of, write=True, backup=False)

    safe.write_atomically(Path(path), write)
    return Path(path)
