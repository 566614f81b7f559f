"""A payload for xlwings' remote engine, built from a real workbook with openpyxl.

It is what Excel's VBA client sends to Python when a button is pressed: every
sheet's values from A1 (dates as ISO text, numbers as floats, "" for empty),
its tables and pictures. Button code then runs unchanged against it.
"""

import datetime as dt

import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries


def _value(value):
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


def _address(c0, r0, c1, r1):
    return f"${get_column_letter(c0)}${r0}:${get_column_letter(c1)}${r1}"


def payload(path, selection="A1", active_sheet=0) -> dict:
    import xlwings as xw

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        width, height = max(ws.max_column, 1), max(ws.max_row, 1)
        values = [[_value(ws.cell(r, c).value) for c in range(1, width + 1)] for r in range(1, height + 1)]
        tables = []
        for table in ws.tables.values():
            c0, r0, c1, r1 = range_boundaries(table.ref)
            tables.append({
                "name": table.name, "range_address": _address(c0, r0, c1, r1),
                "header_row_range_address": _address(c0, r0, c1, r0),
                "data_body_range_address": _address(c0, r0 + 1, c1, r1) if r1 > r0 else None,
                "total_row_range_address": None, "show_headers": True, "show_totals": False,
                "table_style": "TableStyleMedium2", "show_autofilter": True,
            })
        pictures = [{"name": f"Picture {i + 1}", "width": 100, "height": 100} for i, _ in enumerate(ws._images)]
        sheets.append({"name": ws.title, "values": values, "pictures": pictures, "tables": tables})
    return {"client": "VBA", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": active_sheet, "selection": selection},
            "names": _names(wb), "sheets": sheets}


def _names(wb) -> list[dict]:
    """The workbook's defined names over plain cell ranges (e.g. StaleAfterDays), as Excel's client sends them."""
    out = []
    titles = wb.sheetnames
    for name, defined in wb.defined_names.items():
        destinations = list(defined.destinations) if defined.attr_text and "(" not in defined.attr_text else []
        if len(destinations) != 1 or destinations[0][0] not in titles:
            continue
        sheet, address = destinations[0]
        out.append({"name": name, "sheet_index": titles.index(sheet), "address": address.replace("$", ""),
                    "book_scope": True, "scope_sheet_index": None, "scope_sheet_name": None,
                    "refers_to": "=" + defined.attr_text})
    return out
