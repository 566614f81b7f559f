"""Builds workbook_template.xlsm from the schema, with XlsxWriter.

The output is byte-for-byte reproducible: the same schema and XlsxWriter
version give the same file, so a test can rebuild it and compare.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from peermap_xl.contract import domain, schema
from peermap_xl.contract.schema import DATE, FORMULA, LONG_TEXT, WHOLE_NUMBER
from peermap_xl.macros import excel

TEMPLATE_NAME = "workbook_template.xlsm"
_BUILT_ON = dt.datetime(2026, 1, 1)  # fixed, so that every build is identical

STALE_DAYS_NAME = "StaleAfterDays"

# Colours a practitioner sees (Excel's own "light red / amber" conventions).
AMBER = {"bg_color": "#FFE699", "font_color": "#7F6000"}
RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
ANECDOTAL = {"bg_color": "#E4DFEC", "font_color": "#3F3151", "italic": True}
HEADER_BLUE = "#1F4E78"


def build(path: str | Path) -> Path:
    """Write the macro-enabled template to `path` and return it."""
    path = Path(path)
    path.write_bytes(template_bytes())
    return path


def template_bytes() -> bytes:
    """The template: the workbook, its VBA module and buttons, and the Peer Map ribbon tab."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    _Builder(book).build(excel.vba_project())
    book.close()
    return excel.add_ribbon(buffer.getvalue())


class _Builder:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.marking = schema.DEFAULT_MARKING
        fmt = book.add_format
        self.title = fmt({"bold": True, "font_size": 18, "font_color": HEADER_BLUE})
        self.heading = fmt({"bold": True, "font_size": 13, "font_color": HEADER_BLUE, "bottom": 1})
        self.bold = fmt({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = fmt({"text_wrap": True, "valign": "top"})
        self.header = fmt({"bold": True, "text_wrap": True, "valign": "top"})
        self.top = fmt({"valign": "top"})
        self.date = fmt({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"})
        self.value = fmt({"text_wrap": True, "valign": "top", "align": "left"})
        self.note = fmt({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.aside = fmt({"italic": True, "font_color": "#595959", "valign": "top"})  # runs on to the right
        self.marking_fmt = fmt({"bold": True, "font_color": "#C00000"})
        self.link = fmt({"font_color": "#0563C1", "underline": 1})
        self.filled = fmt({"font_color": "#404040", "italic": True, "valign": "top", "bg_color": "#F2F2F2"})
        self.amber = fmt(AMBER)
        self.red = fmt(RED)
        self.anecdotal = fmt(ANECDOTAL)
        self.swatches = {name: fmt(style | {"border": 1}) for name, style in
                         (("amber", AMBER), ("red", RED), ("anecdotal", ANECDOTAL))}

    def build(self, vba_project: bytes) -> None:
        book = self.book
        book.set_properties({
            "title": "Peer group map",
            "subject": "Contextual Safeguarding peer group mapping",
            "author": "",
            "company": "",
            "keywords": self.marking,
            "comments": f"Protective marking when filled in: {self.marking}",
            "created": _BUILT_ON,
        })
        book.set_custom_property("Protective marking", self.marking)
        book.set_size(1400, 900)
        book.add_vba_project(io.BytesIO(vba_project), is_stream=True)
        book.set_vba_name("ThisWorkbook")

        self.start_sheet()
        self.network_sheet()
        for sheet in schema.DATA_SHEETS:
            self.data_sheet(sheet)
        for name, purpose in schema.OUTPUT_SHEETS.items():
            self.output_sheet(name, purpose)
        self.lists_sheet()
        self.pick_sheet()
        self.xlwings_sheet()

    # --- sheets -------------------------------------------------------------

    def add_sheet(self, name: str):
        ws = self.book.add_worksheet(name)
        ws.set_vba_name(excel.code_name(name))
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_header(f"&C&B{self.marking}")
        ws.set_footer(f"&L{self.marking}&C&A&RPage &P of &N")
        return ws

    def start_sheet(self) -> None:
        ws = self.add_sheet(schema.START_SHEET)
        ws.activate()
        ws.set_column("A:A", 30)
        ws.set_column("B:B", 22)
        ws.set_column("C:C", 90)
        ws.hide_gridlines(2)
        row = 0
        ws.write(row, 0, "Peer group map", self.title)
        ws.write(row + 1, 0, f"{self.marking} once filled in", self.marking_fmt)
        ws.set_column("D:D", 3)
        ws.set_column("E:E", 30, self.date)  # the Due next dates; left-aligned
        ws.write(0, 4, "Buttons (also on the Peer Map tab)", self.heading)
        self.due_next_placeholder(ws)
        self.buttons(ws, schema.START_SHEET, 1, 4)
        row += 3
        for paragraph in _INTRO:
            ws.merge_range(row, 0, row, 2, paragraph, self.wrap)
            ws.set_row(row, 32)
            row += 1

        row += 1
        ws.write(row, 0, "The mapping process", self.heading)
        row += 1
        for step, when, what in _PROCESS:
            ws.write(row, 0, step, self.bold)
            ws.write(row, 1, when, self.wrap)
            ws.write(row, 2, what, self.wrap)
            ws.set_row(row, 48 if len(what) > 180 else 32)
            row += 1

        row += 1
        ws.write(row, 0, "The sheets", self.heading)
        row += 1
        ws.write_url(row, 0, f"internal:'{schema.NETWORK}'!A1", self.link, string=schema.NETWORK)
        ws.write(row, 2, "the network as a whole: its name, purpose, key risks, and the settings "
                         "(home borough, when a link goes stale, how names appear on outputs)", self.wrap)
        ws.set_row(row, 32)
        row += 1
        for sheet in schema.DATA_SHEETS:
            ws.write_url(row, 0, f"internal:'{sheet.name}'!A1", self.link, string=sheet.name)
            ws.write(row, 2, sheet.purpose, self.wrap)
            row += 1
        for name, purpose in schema.OUTPUT_SHEETS.items():
            ws.write(row, 0, name, self.top)
            ws.write(row, 2, f"written by peermap, never typed: {purpose[0].lower()}{purpose[1:]}", self.note)
            row += 1
        ws.write(row, 0, "Tips", self.bold)
        ws.write(row, 2, "Type in the coloured tables; they grow as you type below them. Pick from the "
                         "drop-downs; a team can extend them on the hidden Lists sheet (unhide it, add the "
                         "value below the last one in its column). Select a cell to see what its column "
                         "means. Pick people and places from the drop-down (\"Male A (S01)\"; the list grows with "
                         "Subjects and Contexts), or type an ID (S01, C01) or an exact name. Where a column "
                         "holds several (About, Who, For), each pick adds to the cell; to take one out, clear "
                         "the cell and pick again.", self.wrap)
        ws.set_row(row, 80)
        row += 2

        ws.write(row, 0, "Worksheet functions", self.heading)
        ws.write(row, 2, "Type them into any cell once the xlwings add-in has imported them (README: Setting it "
                         "up on Windows).", self.note)
        row += 1
        for example, meaning in FUNCTIONS:
            ws.merge_range(row, 0, row, 1, "", self.wrap)
            ws.write_string(row, 0, example, self.wrap)  # shown as typed, not run
            ws.write_string(row, 2, meaning, self.wrap)
            ws.set_row(row, 32)
            row += 1
        row += 1

        ws.write(row, 0, "What the colours mean", self.heading)
        row += 1
        for swatch, sheet, meaning in _COLOURS:
            ws.write(row, 0, sheet, self.swatches[swatch])
            ws.write(row, 2, meaning, self.wrap)
            row += 1
        row += 1

        ws.write(row, 0, "Protective marking", self.heading)
        row += 1
        ws.merge_range(row, 0, row, 2, _MARKING_TEXT, self.wrap)
        ws.set_row(row, 48)

    def due_next_placeholder(self, ws) -> None:
        """Where Check writes what is due next (peermap_xl.record.due), beside the text and below the buttons."""
        from peermap_xl.record import due

        row, col = due.SHEET_CELL[0] - 1, due.SHEET_CELL[1] - 1
        for offset, width in enumerate((22, 84, 28), start=1):  # Days left, What, Who (the dates: column E)
            ws.set_column(col + offset, col + offset, width, self.top)
        ws.write(row, col, "Due next", self.heading)
        ws.write(row + 1, col, "Press Check: what is due next (sessions, subject lists, minutes, reviews, "
                               "actions, questions) appears here, overdue first.", self.aside)

    def network_sheet(self) -> None:
        ws = self.add_sheet(schema.NETWORK)
        ws.set_column("A:A", 26, self.bold)
        ws.set_column("B:B", 45, self.value)
        ws.set_column("C:C", 4)
        ws.set_column("D:D", 95, self.note)
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        fields = schema.NETWORK_FIELDS
        ws.add_table(0, 0, len(fields), 1, {
            "name": schema.NETWORK,
            "style": "Table Style Medium 2",
            "autofilter": False,
            "columns": [{"header": "Field"}, {"header": "Value"}],
        })
        ws.write(0, 3, "What it means", self.bold)
        for i, field in enumerate(fields, start=1):
            ws.write_string(i, 0, field.name, self.bold)
            value_format = self.date if field.kind == DATE else self.value
            if field.default is None:
                ws.write_blank(i, 1, None, value_format)
            else:
                ws.write(i, 1, field.default, value_format)
            if field.help:
                ws.write(i, 3, field.help, self.note)
            self.validate(ws, i, 1, i, 1, field.name, field.kind, field.list, field.help, field.bounds)
            if field.name == "Stale after (days)":
                self.book.define_name(STALE_DAYS_NAME, f"={schema.NETWORK}!$B${i + 1}")

    def data_sheet(self, sheet: schema.Sheet) -> None:
        ws = self.add_sheet(sheet.name)
        cols = sheet.columns
        ws.add_table(0, 0, 1, len(cols) - 1, {
            "name": sheet.table,
            "style": "Table Style Medium 2",
            "columns": [{"header": col.header, "header_format": self.header}
                        | ({"formula": col.formula, "format": self.filled} if col.formula else {}) for col in cols],
        })
        for c, col in enumerate(cols):
            if col.formula:  # shown as empty until Excel calculates, not as 0
                ws.write_formula(1, c, col.formula, self.filled, "")
            ws.set_column(c, c, col.display_width, self.column_format(col))
            self.validate(ws, 1, c, schema.ROWS_PREPARED, c, col.header, col.kind, col.list, col.help,
                          col.bounds, col.pick_list)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 2 if cols[1].header == "Name" else 1)
        ws.repeat_rows(0)
        self.highlight(ws, sheet)
        self.buttons(ws, sheet.name, 1, len(cols) + 1)

    def output_sheet(self, name: str, purpose: str) -> None:
        ws = self.add_sheet(name)
        ws.set_column("A:A", 100)
        ws.write(0, 0, name, self.title)
        ws.write(1, 0, purpose, self.note)
        self.buttons(ws, name, 0, 2)

    def lists_sheet(self) -> None:
        ws = self.add_sheet(schema.LISTS_SHEET)
        ws.hide()
        ws.freeze_panes(1, 0)
        for c, (key, values) in enumerate(schema.LISTS.items()):
            ws.set_column(c, c, max(14, len(key) + 2))
            ws.write_string(0, c, key, self.bold)
            for r, value in enumerate(values, start=1):
                ws.write_string(r, c, value)
            col = xl_col_to_name(c)
            # The list grows with the column: a team adds values below the last one.
            self.book.define_name(
                schema.list_name(key),
                f"=OFFSET({schema.LISTS_SHEET}!${col}$2,0,0,COUNTA({schema.LISTS_SHEET}!${col}:${col})-1,1)",
            )

    def pick_sheet(self) -> None:
        """Every subject, then every context, as "Name (ID)" with its ID and name: the people-and-places pick list.

        Formulas over the Subjects and Contexts tables, so the list grows with them in Excel, no macro needed.
        """
        ws = self.add_sheet(schema.PICK_SHEET)
        ws.hide()
        first_col = 0
        subjects, contexts = schema.SUBJECTS.table, schema.CONTEXTS.table
        n = f"ROWS({subjects}[Name])"
        k = "(ROW()-1)"

        def stacked(header: str) -> str:
            return (f'=IF({k}<={n},INDEX({subjects}[{header}],{k}),IF({k}-{n}<=ROWS({contexts}[Name]),'
                    f'INDEX({contexts}[{header}],{k}-{n}),""))&""')

        entry_col, id_col, name_col = (xl_col_to_name(first_col + i) for i in range(3))

        def entry(r: int) -> str:
            name, rid = f"{name_col}{r}", f"{id_col}{r}"
            return f'=IF({name}="",{rid},{name}&IF({rid}="",""," ("&{rid}&")"))'

        formulas = (entry, lambda r: stacked("ID"), lambda r: stacked("Name"))
        last = schema.PICK_ROWS + 1
        sheet = f"'{schema.PICK_SHEET}'"
        for i, ((header, name), formula) in enumerate(zip(schema.PICK_COLUMNS, formulas)):
            c = first_col + i
            ws.set_column(c, c, 26)
            ws.write_string(0, c, header, self.bold)
            for r in range(2, last + 1):
                ws.write_formula(r - 1, c, formula(r), None, "")
            letter = xl_col_to_name(c)
            self.book.define_name(name, f"={sheet}!${letter}$2:${letter}${last}")
        self.pick_names(f"{sheet}!${entry_col}$2", n, f"ROWS({contexts}[Name])")

    def pick_names(self, first: str, people: str, places: str) -> None:
        """The drop-downs over the stacked entries: all of them, the people (first), the places (after them)."""
        most = schema.PICK_ROWS
        self.book.define_name(schema.PICK_LIST, f"=OFFSET({first},0,0,MAX(1,MIN({most},{people}+{places})),1)")
        self.book.define_name(schema.PEOPLE_LIST, f"=OFFSET({first},0,0,MAX(1,MIN({most},{people})),1)")
        self.book.define_name(schema.PLACES_LIST, f"=OFFSET({first},MIN({most - 1},{people}),0,"
                                                  f"MAX(1,MIN({most}-{people},{places})),1)")

    def buttons(self, ws, sheet_name: str, row: int, col: int) -> None:
        """The sheet's buttons, one under another, from (row, col)."""
        for i, (macro, label, *_) in enumerate(a for a in excel.ACTIONS if sheet_name in a[4]):
            ws.insert_button(row, col, {"macro": macro, "caption": label, "width": 190, "height": 30,
                                        "y_offset": i * 36, "x_offset": 4})

    def xlwings_sheet(self) -> None:
        """The settings RunPython reads: column A the key, column B the value; column C says what it is."""
        ws = self.add_sheet(excel.CONF_SHEET)
        ws.hide()
        ws.set_column("A:A", 18)
        ws.set_column("B:B", 40)
        ws.set_column("C:C", 70, self.note)
        for r, (key, value, meaning) in enumerate(excel.CONF):
            ws.write_string(r, 0, key)
            ws.write_string(r, 1, value)
            ws.write_string(r, 2, meaning)

    # --- cells ------------------------------------------------------------

    def column_format(self, col: schema.Column):
        if col.kind == FORMULA:
            return self.filled
        if col.kind == DATE:
            return self.date
        if col.kind == LONG_TEXT:
            return self.wrap
        return self.top

    def validate(self, ws, r0, c0, r1, c1, title, kind, list_key, help_text, bounds=None, picks=None) -> None:
        """A drop-down, a date or number check, or just the input message."""
        options: dict = {"validate": "any"}
        if picks:
            options = {  # IDs, plain names and (for REFS) several separated by ; are welcome too
                "validate": "list", "source": "=" + picks,
                "error_type": "information", "error_title": "Not on the list",
                "error_message": "That is not a person or place on Subjects or Contexts as the list shows them. "
                                 "An ID (S01) or an exact name works too; several are separated by ;",
            }
        elif list_key and kind == schema.CHOICES:
            options = {  # several values are allowed, so an unlisted entry only informs
                "validate": "list", "source": "=" + schema.list_name(list_key),
                "error_type": "information", "error_title": "Several values?",
                "error_message": "Pick one from the list, or type several separated by ; "
                                 "(e.g. Internal; Review).",
            }
        elif list_key:
            options = {
                "validate": "list", "source": "=" + schema.list_name(list_key),
                "error_type": "warning", "error_title": "Not on the list",
                "error_message": "Pick from the list, or add the value to the Lists sheet "
                                 "if your team uses it.",
            }
        elif kind == DATE:
            options = {
                "validate": "date", "criteria": "between",
                "minimum": dt.date(1900, 1, 2), "maximum": dt.date(2100, 12, 31),
                "error_type": "warning", "error_title": "Not a date",
                "error_message": "Type the date as dd/mm/yyyy, e.g. 03/04/2026 for 3 April 2026.",
            }
        elif kind == WHOLE_NUMBER:
            low, high = bounds or (0, 1_000_000)
            options = {
                "validate": "integer", "criteria": "between", "minimum": low, "maximum": high,
                "error_type": "warning", "error_title": "Not a number",
                "error_message": f"Type a whole number from {low} to {high}.",
            }
        if help_text:
            options |= {"input_title": title[:32], "input_message": help_text[:255]}
        if options["validate"] != "any" or help_text:
            ws.data_validation(r0, c0, r1, c1, options)

    def highlight(self, ws, sheet: schema.Sheet) -> None:
        """Conditional formats that work in Excel with no Python at all."""
        last_row = schema.ROWS_PREPARED
        last_col = len(sheet.columns) - 1

        def cell(header: str) -> str:
            col = [c.header for c in sheet.columns].index(header)
            return "$" + xl_rowcol_to_cell(1, col, row_abs=False)

        def whole_rows(formula: str, fmt) -> None:
            ws.conditional_format(1, 0, last_row, last_col,
                                  {"type": "formula", "criteria": formula, "format": fmt})

        if sheet is schema.LINKS:
            seen = f'IF({cell("Last seen")}<>"",{cell("Last seen")},{cell("First recorded")})'
            status = cell("Status")
            off_map = ",".join(f'{status}<>"{s}"' for s in domain.LINK_OFF_MAP)
            # domain.is_stale: seen MORE than Stale after (days) before today
            whole_rows(f'=AND({cell("From")}<>"",{off_map},'
                       f'ISNUMBER({seen}),{seen}<TODAY()-{STALE_DAYS_NAME})', self.amber)
            evidence = [c.header for c in sheet.columns].index("Evidence")
            ws.conditional_format(1, evidence, last_row, evidence, {
                "type": "formula", "criteria": f'={cell("Evidence")}="{domain.ANECDOTAL}"', "format": self.anecdotal})
        elif sheet is schema.ACTIONS:
            due, status = cell("Due"), cell("Status")
            closed = ",".join(f'{status}<>"{s}"' for s in domain.ACTION_CLOSED)
            whole_rows(f'=AND({cell("Action")}<>"",ISNUMBER({due}),{due}<TODAY(),{closed})', self.red)
        elif sheet is schema.GAPS:
            due, status = cell("Due"), cell("Status")
            whole_rows(f'=AND({cell("Question")}<>"",ISNUMBER({due}),{due}<TODAY(),'
                       f'OR({status}="",{status}="{domain.QUESTION_OPEN}"))', self.red)


_INTRO = (
    "This workbook holds one peer group map: the young people, the adults and the places (contexts) "
    "where they may meet harm outside the home, how they are linked, and what is still unknown.",
    "Fill it in during the mapping meetings, one row per person, place, link, question or action. "
    "peermap checks the data, draws the dated map and writes the minutes from it.",
    "It follows the Hackney Contextual Safeguarding peer group mapping guidance: test every link "
    "(evidenced or anecdotal? how recent? from which source? how reliable?), and look for what is protective "
    "as well as what is risky.",
)

_PROCESS = (
    ("Before the first session", "as soon as the concern is identified",
     "Set the purpose on the Network sheet. List the subjects and contexts you know of, and their key "
     "contacts. Where possible, the worker who knows each young person best does the direct-work map with "
     "them (Direct work sheet)."),
    ("Subject list to invitees", "at least 7 days before each session",
     "Send the list of subjects and contexts by secure email so that partners can research them. "
     "Record the date on the Sessions sheet (Subject list sent)."),
    ("Session 1: internal mapping", "within 14 days of the concern being identified",
     "Children and Families practitioners share what they know. Map it, note the information gaps "
     "and which partners can fill them."),
    ("Session 2: multi-agency mapping", "within 14 days of session 1",
     "Police, school, health, housing, youth services and others join. Update the map, agree "
     "safeguarding interventions and clear actions, each with an owner and a due date."),
    ("After each session", "within 14 days",
     "Upload the minutes and the dated map to the case system (Mosaic) of every key subject, titled "
     "with the network's key contextual risks, e.g. 'Peer Mapping Minutes Peer Network - County Line "
     "to Plymouth'. Record the date (Minutes uploaded)."),
    ("Reviews", "every 3 months, and after any significant incident",
     "Update every outstanding action. Reassess each subject and context: mark those who have left "
     "the network Removed (with date and reason), add new ones, refresh the links."),
    ("Assessments", "when the threshold is met",
     "Clear links between young people with significant risk: consider a peer assessment. Concerns "
     "about a place, a school or an organisation: consider a context assessment."),
    ("Closure", "when the risks have reduced",
     "When everyone agrees the risks and vulnerabilities have reduced, set the network Status to Closed "
     "and record a Closure session."),
)

#: The worksheet functions (udfs/peermap_udfs.py), each with an example, as Start here shows them.
FUNCTIONS = (
    ("=PEERMAP_STALE([@[Last seen]])",
     "TRUE when the link was last seen longer ago than Stale after (days) on the Network sheet; judged as of "
     "today and recalculated daily, like TODAY(). =PEERMAP_STALE(P2, DATE(2026,10,1)) judges as of a date."),
    ("=PEERMAP_LINKS(\"Male A\", Subjects[#All], Contexts[#All], Links[#All])",
     "How many current links Male A has on the map. The tables are part of the formula, so the count changes "
     "as soon as a link is added, changed or marked Historic."),
    ("=PEERMAP_GRADE([@[Source grade]], [@[Information grade]])",
     "The 3x5x2 grading in plain words, e.g. \"Strong: reliable source, known directly\"."),
    ("=PEERMAP_REVIEW_DUE(Sessions!B3)", "The date the next review is due: 3 months after that session."),
)

_COLOURS = (
    ("amber", "Links", "Stale: the link was last seen longer ago than 'Stale after (days)' on the Network "
                       "sheet. Is it still current?"),
    ("anecdotal", "Links: Evidence", "Anecdotal: heard or believed, not evidenced. Who can confirm it?"),
    ("red", "Actions, Gaps", "Overdue: past its due date and still open."),
)

_MARKING_TEXT = (
    "Once it holds information about children this workbook is OFFICIAL-SENSITIVE. Keep it on the "
    "secure network, share it only by secure email, and follow your information sharing protocol. "
    "For sharing beyond the core group, use the anonymised outputs (codes such as YP1, ADULT1, LOC1)."
)


if __name__ == "__main__":  # python -m peermap_xl.xlsm.template [PATH]: rebuild the committed template
    import sys

    print(build(sys.argv[1] if len(sys.argv) > 1 else TEMPLATE_NAME))
