"""Typing cell values: dates, whole numbers, choices. Never a crash on messy cells."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peermap_xl.contract import schema
from peermap_xl.record import model

D = dt.date


@pytest.mark.parametrize("value, expected", [
    (dt.datetime(2026, 4, 3, 15, 30), D(2026, 4, 3)),
    (D(2026, 4, 3), D(2026, 4, 3)),
    (46115, D(2026, 4, 3)),
    (46115.75, D(2026, 4, 3)),
    ("03/04/2026", D(2026, 4, 3)),
    ("3/4/26", D(2026, 4, 3)),
    (" 03-04-2026 ", D(2026, 4, 3)),
    ("03.04.2026", D(2026, 4, 3)),
    ("2026-04-03", D(2026, 4, 3)),
    ("2026-04-03 00:00:00", D(2026, 4, 3)),
    ("3 April 2026", D(2026, 4, 3)),
    ("3rd Apr 2026", D(2026, 4, 3)),
    ("April 3, 2026", D(2026, 4, 3)),
    (None, None),
    ("   ", None),
])
def test_dates(value, expected):
    assert model.parse_date(value) == expected


def test_serials_follow_the_workbooks_date_system():
    assert model.parse_date(0 + 44654, epoch=dt.datetime(1904, 1, 1)) == D(2026, 4, 4)


@pytest.mark.parametrize("value", ["yesterday", "31/02/2026", "13/13/2026", -5, 0, True, "2026"])
def test_not_dates(value):
    with pytest.raises(ValueError):
        model.parse_date(value)


@pytest.mark.parametrize("value, expected", [
    (15, 15), (15.0, 15), ("15", 15), (" 15 ", 15), ("15.0", 15), ("1,200", 1200), (None, None), ("", None),
])
def test_whole_numbers(value, expected):
    assert model.parse_whole_number(value) == expected


@pytest.mark.parametrize("value", ["fifteen", 15.5, "15.5", True])
def test_not_whole_numbers(value):
    with pytest.raises(ValueError):
        model.parse_whole_number(value)


def test_choices():
    grades = schema.LISTS["Source grade"]
    assert model.canonical_choice("3", grades, coded=True) == "3 Not reliable"
    assert model.canonical_choice("1 reliable", grades, coded=True) == "1 Reliable"
    assert model.canonical_choice("anecdotal", schema.LISTS["Evidence"]) == "Anecdotal"
    assert model.canonical_choice("Rumour", schema.LISTS["Evidence"]) == "Rumour"  # kept for the checks
    assert model.canonical_choice("3", schema.LISTS["Evidence"]) == "3"


def test_text_is_cleaned():
    assert model.clean_text("  Male\u00a0 A \n") == "Male A"
    assert model.clean_text(7700900123.0) == "7700900123"
    assert model.clean_text("   ") is None
    assert model.split_list("S01; Male B ;;\nC01") == ("S01", "Male B", "C01")


cells = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.dates(), st.datetimes(), st.text(alphabet="0123456789/-. ", max_size=12),
)


@given(cells)
def test_typing_any_cell_either_works_or_says_it_is_not_that_kind(value):
    for parse in (model.parse_date, model.parse_whole_number):
        try:
            parse(value)
        except ValueError:
            pass
    assert model.clean_text(value) is None or isinstance(model.clean_text(value), str)


messy_cell = st.one_of(
    cells, st.sampled_from(["S01", "s1", "C01", "Male A", "male a", "=SUM(A1:A3)", "#N/A", "1", "C",
                            "Anecdotal", "03/04/2026", "46115", "x" * 5000, "Ünknöwn 男", "🙂", "\u200b"]),
)


@st.composite
def raw_books(draw):
    from peermap_xl.book.raw import RawBook, RawTable

    book = RawBook(source="Messy.xlsx")
    for sheet in schema.DATA_SHEETS:
        headers = [c.header for c in sheet.columns]
        rows = draw(st.lists(st.lists(messy_cell, min_size=len(headers), max_size=len(headers)), max_size=6))
        book.tables[sheet.name] = RawTable(sheet.name, headers, [(i + 2, r) for i, r in enumerate(rows)])
    fields = draw(st.lists(st.tuples(st.sampled_from([f.name for f in schema.NETWORK_FIELDS]), messy_cell)))
    book.tables[schema.NETWORK] = RawTable(schema.NETWORK, ["Field", "Value"],
                                           [(i + 2, list(f)) for i, f in enumerate(fields)])
    return book


@given(raw_books())
def test_messy_rows_always_build_a_network(raw):
    net = model.build(raw)
    for sheet in schema.DATA_SHEETS:
        frame = net.frames[sheet.name]
        table = raw.tables[sheet.name]
        filled_by_excel = {i for i, h in enumerate(table.headers) if schema.normalise_header(h) in
                           {schema.normalise_header(c.header) for c in sheet.columns if c.kind == schema.FORMULA}}
        typed = [row for row, values in table.rows  # a row with only Excel's formula columns filled is not data
                 if not filled_by_excel or any(v not in (None, "") and i not in filled_by_excel
                                               for i, v in enumerate(values))]
        assert list(frame["row"]) == typed
        if sheet.id_prefix:
            assert frame["id"].notna().all()
    assert isinstance(net.settings["stale_after_days"], int)
    model.summary(net)
