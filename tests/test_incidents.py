"""Incidents: the sheet, read by both doors and absent from older workbooks; the rules that use them."""

import datetime as dt
import shutil

import openpyxl

from peermap_xl import schema
from peermap_xl.book.file import read_network

D = dt.date


def older_workbook(path, example_book):
    """The worked example as a workbook made before Incidents and Direct work's Date and Worker existed."""
    copy = shutil.copy(example_book, path)
    wb = openpyxl.load_workbook(copy, keep_vba=True)
    del wb[schema.INCIDENTS.name]
    ws = wb[schema.DIRECT_WORK.name]
    [table] = ws.tables.values()
    headers = [c.value for c in ws[1]]
    for header in ("Worker", "Date"):  # the last two columns
        column = headers.index(header) + 1
        ws.delete_cols(column)
    del ws.tables[table.name]
    wb.save(copy)
    return copy


def test_the_example_records_incidents_with_their_place_resolved(example_book):
    net = read_network(example_book)
    incidents = net.incidents.set_index("id")
    assert list(incidents.index) == ["I01", "I02", "I03", "I04"]
    assert incidents.loc["I02", "where_id"] == "C01"  # typed as "123 City Road"
    assert incidents.loc["I04", "who"] == ("S08", "S07") and incidents.loc["I04", "significant"] == "Yes"
    assert incidents.loc["I04", "date"] == dt.datetime(2026, 9, 26)
    assert (net.direct_work["date"] == dt.datetime(2026, 9, 20)).all()
    assert (net.direct_work["worker"] == "Youth hub worker").all()


def test_a_workbook_made_before_incidents_still_reads(tmp_path, example_book):
    net = read_network(older_workbook(tmp_path / "old.xlsm", example_book))
    assert len(net.incidents) == 0 and "where_id" in net.incidents
    assert len(net.direct_work) == 7 and net.direct_work["date"].isna().all()
    assert net.direct_work["worker"].isna().all()
    assert len(net.links) == 30
