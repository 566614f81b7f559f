"""Worked examples a new user can open, check and map."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from peermap_xl.book.plan import AddRows, Plan, SetCell
from peermap_xl.contract import schema
from peermap_xl.examples import city_road


def write_example(path: str | Path, checked_as_of: dt.date | None = None) -> Path:
    """Write the City Road example workbook to `path` (the previous file kept as a backup).

    With `checked_as_of`, the checks as of that date are recorded in it and its map drawn onto
    its Map sheet and beside it, as `peermap check --write` and `peermap map --write` do.
    """
    import openpyxl

    from peermap_xl.book import edit, safe
    from peermap_xl.xlsm.template import template_bytes

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


def record_review(path: str | Path):
    """The demo's review on the written example, as a team would hold it: the snapshot of its last session
    kept (as recording its minutes does), the dated changes since (city_road.REVIEW_CHANGES), the workbook
    checked and mapped as of city_road.REVIEW_DAY, then the review recorded with its map of what changed.
    Returns (the review (operations.SessionRecord), the map drawn for it)."""
    from peermap_xl.book import edit, safe
    from peermap_xl.operations import Attendance, check_book, draw_map, history_rows, record_session
    from peermap_xl.record import history, reading

    path, day = Path(path), city_road.REVIEW_DAY
    with safe.transaction(path):
        wb, network = reading.open_book(path)
        last = network.sessions.sort_values(["date", "row"]).iloc[-1]
        edit.apply(wb, Plan([history_rows(network, history.snapshot(network, last["id"], last["date"].date()))]))
        edit.apply(wb, changes_plan(network, city_road.REVIEW_CHANGES))
        edit.save(wb, path, backup=False)
    check_book(path, day, backup=False)
    picture, _ = draw_map(path, path.parent, day, write=True, backup=False)
    held = record_session(path, "Review", day, city_road.REVIEW_DECISIONS, backup=False,
                          people=Attendance(*city_road.REVIEW_ATTENDANCE))
    return held, picture


def changes_plan(network, changes) -> Plan:
    """Edits typed as a practitioner would: cells of a record found by its ID, or new rows below a table."""
    plan, added = Plan(), {}
    for sheet_name, record_id, values in changes:
        layout = network.layout[sheet_name]
        if record_id is None:
            row = network.next_row(sheet_name) + added.get(sheet_name, 0)
            added[sheet_name] = added.get(sheet_name, 0) + 1
            plan.add(AddRows(layout.sheet, layout.header_row, layout.columns, ((row, values),)))
            continue
        frame = network.frames[sheet_name]
        row = int(frame.loc[frame["id"] == record_id, "row"].iloc[0])
        for header, value in values.items():
            plan.add(SetCell(layout.sheet, row, layout.column(header), value))
    return plan
