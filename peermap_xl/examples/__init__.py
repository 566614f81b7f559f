"""Worked examples a new user can open, check and map."""

from __future__ import annotations

import io
from pathlib import Path

from peermap_xl import schema
from peermap_xl.examples import city_road


def write_example(path: str | Path) -> Path:
    """Write the City Road example workbook to `path` (the previous file kept as a backup)."""
    import openpyxl

    from peermap_xl.book import edit
    from peermap_xl.template import template_bytes

    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()), keep_vba=True)
    edit.set_network_values(wb, city_road.NETWORK)
    for sheet in schema.DATA_SHEETS:
        edit.append_records(wb, sheet, city_road.RECORDS[sheet.name])
    edit.save(wb, path)
    return Path(path)
