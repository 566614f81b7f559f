"""What the macro-enabled workbook carries for Excel: the VBA module, its buttons and the ribbon tab.

Each button runs one macro of the PeerMap module, which asks the xlwings add-in
to call the matching `run_...` function of peermap_xl.buttons. The ribbon tab
offers the same actions through one callback.
"""

from __future__ import annotations

from peermap_xl.contract import schema
from peermap_xl.macros import vba

MODULE = "PeerMap"

#: (macro, label, the buttons.py function it runs, ribbon icon, the sheets that show its button)
ACTIONS = (
    ("CheckData", "Check", "run_check", "AcceptTask", ("Start here", "Links", "Subjects")),
    ("DrawMap", "Draw map", "run_draw_map", "SmartArtInsert", ("Start here", "Map")),
    ("WriteMinutes", "Minutes", "run_minutes", "FileSave", ("Start here", "Sessions", "Minutes")),
    ("StartReview", "Record session / Start review", "run_review", "ReviewNewComment", ("Start here", "Sessions")),
    ("YoungPersonsMap", "Young person's map", "run_young_persons_map", "Chart3DPieChart",
     ("Start here", "Direct work")),
    ("AnonymisedPack", "Anonymised pack", "run_anonymised_pack", "FileDocumentEncrypt", ("Start here",)),
    ("AlreadyMapped", "Already mapped?", "run_already_mapped", "FindDialog", ("Start here", "Subjects")),
)


#: Ribbon-only entries for support: (macro, label, icon, what it says when done).
SUPPORT = (
    ("RestartPython", "Restart Python", "Refresh",
     "Python will start afresh at the next click (the first click takes a moment longer)."),
)


code_name = schema.code_name  # the VBA code name of a sheet (defined with the sheets, for book/ too)


def module_source() -> str:
    lines = [
        f'Attribute VB_Name = "{MODULE}"',
        "' peermap-xl: the buttons and the Peer Map ribbon tab call Python through the xlwings add-in.",
        "' Set up: see the README (install Python and peermap-xl, then: xlwings addin install).",
        "Option Explicit",
        "",
        "Private Sub RunPeerMap(ByVal action As String)",
        "    On Error GoTo Failed",
        '    Application.StatusBar = "peermap: working..."',
        '    Application.Run "xlwings.xlam!RunPython", "import peermap_xl.buttons as b; b." & action & "()"',
        "    Application.StatusBar = False",
        "    Exit Sub",
        "Failed:",
        "    Application.StatusBar = False",
        '    MsgBox "peermap could not start Python." & vbCrLf & vbCrLf & _',
        '        "Check that Python and peermap-xl are installed, and that the xlwings add-in is installed " & _',
        '        "(in a command prompt: xlwings addin install). Then close and reopen this workbook." & _',
        '        vbCrLf & vbCrLf & "(" & Err.Description & ")", vbExclamation, "peermap"',
        "End Sub",
        "",
    ]
    for macro, label, function, _, _ in ACTIONS:
        lines += [f"Public Sub {macro}()", f"    ' {label}", f'    RunPeerMap "{function}"', "End Sub", ""]
    lines += _support_source()
    lines += _add_pick_source()
    lines += ["' The ribbon's buttons all call this; each button's id is the macro it runs.",
              "' (control is an IRibbonControl; As Object needs no reference to the Office library.)",
              "Public Sub OnRibbon(control As Object)",
              "    Select Case control.Id"]
    for macro in [a[0] for a in ACTIONS] + [s[0] for s in SUPPORT]:
        lines += [f'        Case "{macro}": {macro}']
    lines += ["    End Select", "End Sub", ""]
    return "\r\n".join(lines)


#: The hidden sheet RunPython reads its settings from; blank values leave xlwings' defaults.
CONF_SHEET = "xlwings.conf"
CONF = (
    ("Interpreter_Win", "", "the team's python.exe, e.g. C:\\Python311\\python.exe (blank: the default)"),
    ("Interpreter_Mac", "", "the team's python on a Mac (blank: the default)"),
    ("PYTHONPATH", "", "the folder holding udfs\\peermap_udfs.py, for the worksheet functions"),
    ("UDF Modules", "peermap_udfs", "the worksheet functions PEERMAP_STALE, PEERMAP_GRADE, ..."),
    ("Use UDF Server", "True", "True: the buttons reuse one Python process, so only the first click waits for "
     "Python to start; Restart Python (Peer Map tab) starts it afresh"),
    ("Show Console", "False", "True shows a console window while Python runs (for support)"),
)


def sheet_names() -> list[str]:
    """Every sheet of the template, in order (their document modules go into the VBA project)."""
    return [schema.START_SHEET, schema.NETWORK, *(s.name for s in schema.DATA_SHEETS), *schema.OUTPUT_SHEETS,
            schema.LISTS_SHEET, schema.PICK_SHEET, CONF_SHEET]


def vba_project() -> bytes:
    return vba.project_bin({MODULE: module_source()}, document_modules(sheet_names()))


def document_modules(names) -> dict[str, str]:
    """{code name: source}: the workbook's document module and one per sheet, by the sheets' names."""
    documents = {"ThisWorkbook": vba.document_source("ThisWorkbook", workbook=True)}
    return documents | {code_name(name): sheet_module(code_name(name)) for name in names}


# --- a pick adds to the list -------------------------------------------------------------

PICK_MACRO = "AddPick"  # in the PeerMap module; the sheets' Worksheet_Change call it


def adding_headers(sheet_code_name: str) -> list[str]:
    """The headers of the columns where a pick adds to the cell, on the sheet with this code name."""
    for sheet in schema.DATA_SHEETS:
        if code_name(sheet.name) == sheet_code_name:
            return [col.header for col in sheet.columns if col.adds_picks]
    return []


def sheet_module(sheet_code_name: str) -> str:
    """A sheet's document module: its attributes, and for a sheet with columns that hold several
    picks, the Worksheet_Change that hands a change in them to AddPick."""
    headers = adding_headers(sheet_code_name)
    if not headers:
        return vba.document_source(sheet_code_name)
    return vba.document_source(sheet_code_name, code="\r\n".join([
        "Option Explicit", "",
        "' peermap: a pick from the drop-down in " + " and ".join(headers) + " adds to what the cell holds.",
        "Private Sub Worksheet_Change(ByVal Target As Range)",
        f'    {MODULE}.{PICK_MACRO} Target, "{"|".join(headers)}"',
        "End Sub", ""]))


def _add_pick_source() -> list[str]:
    """AddPick: when one cell of a column holding several entries (separated by ;) gets an entry of its
    drop-down, the entry is added to what the cell held (Undo gives it back), unless it is there already.
    Anything else (typing, pasting, clearing, several cells) is left as it is."""
    return [
        "' A pick from the drop-down adds to the entries already in the cell; one already there is not repeated.",
        "' headers: the columns (by header in the cell's table) that hold several entries, separated by |.",
        f"Public Sub {PICK_MACRO}(ByVal Target As Range, ByVal headers As String)",
        "    Dim picked As String, held As String",
        "    On Error GoTo Done",
        "    If Target.Cells.CountLarge <> 1 Then Exit Sub",
        "    If Not InColumns(Target, headers) Then Exit Sub",
        "    If VarType(Target.Value) <> vbString Then Exit Sub",
        "    picked = Trim$(Target.Value)",
        "    If Not OnItsList(Target, picked) Then Exit Sub",
        "    Application.EnableEvents = False",
        "    Application.Undo",
        "    If VarType(Target.Value) = vbString Then held = Trim$(Target.Value)",
        "    Target.Value = WithPick(held, picked)",
        "Done:",
        "    Application.EnableEvents = True",
        "End Sub",
        "",
        "Private Function InColumns(ByVal Target As Range, ByVal headers As String) As Boolean",
        "    Dim table As ListObject, title As String, header As Variant",
        "    Set table = Target.ListObject",
        "    If table Is Nothing Then Exit Function",
        "    If Target.Row <= table.HeaderRowRange.Row Then Exit Function",
        "    title = Trim$(CStr(table.HeaderRowRange.Cells(1, Target.Column - table.Range.Column + 1).Value))",
        '    For Each header In Split(headers, "|")',
        "        If StrComp(title, header, vbTextCompare) = 0 Then InColumns = True",
        "    Next header",
        "End Function",
        "",
        "Private Function OnItsList(ByVal Target As Range, ByVal picked As String) As Boolean",
        '    If picked = "" Then Exit Function',
        "    If Target.Validation.Type <> 3 Then Exit Function  ' 3: xlValidateList (no validation: an error)",
        "    OnItsList = Not IsError(Application.Match(picked, _",
        "        Target.Worksheet.Evaluate(Mid$(Target.Validation.Formula1, 2)), 0))",
        "End Function",
        "",
        "Private Function WithPick(ByVal held As String, ByVal picked As String) As String",
        "    Dim entry As Variant",
        '    If Right$(held, 1) = ";" Then held = Trim$(Left$(held, Len(held) - 1))',
        '    If held = "" Then WithPick = picked: Exit Function',
        '    For Each entry In Split(held, ";")',
        "        If StrComp(Trim$(entry), picked, vbTextCompare) = 0 Then WithPick = held: Exit Function",
        "    Next entry",
        '    WithPick = held & "; " & picked',
        "End Function",
        "",
    ]


def _support_source() -> list[str]:
    """Restart Python: stop the Python process the buttons reuse (xlwings' "Use UDF Server"), as the
    xlwings tab's Restart does; the next click starts a fresh one."""
    lines = []
    for macro, label, _, said in SUPPORT:
        lines += [f"Public Sub {macro}()", f"    ' {label}", "    On Error Resume Next",
                  '    Application.Run "xlwings.xlam!KillPy"', "    On Error GoTo 0",
                  f'    MsgBox "{said}", vbInformation, "peermap"', "End Sub", ""]
    return lines


def _ribbon(namespace: str) -> str:
    entries = [(macro, label, icon) for macro, label, _, icon, _ in ACTIONS]
    entries += [(macro, label, icon) for macro, label, icon, _ in SUPPORT]
    buttons = "\n".join(
        f'        <button id="{macro}" label="{label}" imageMso="{icon}" size="large" onAction="OnRibbon" '
        f'screentip="{label}"/>' for macro, label, icon in entries)
    return (f'<customUI xmlns="{namespace}">\n  <ribbon>\n    <tabs>\n'
            '      <tab id="peermapTab" label="Peer Map">\n'
            '        <group id="peermapGroup" label="Peer group mapping">\n'
            f"{buttons}\n"
            "        </group>\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n")


RIBBON_2010 = ("customUI/customUI14.xml", "http://schemas.microsoft.com/office/2009/07/customui",
               "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility")
RIBBON_2007 = ("customUI/customUI.xml", "http://schemas.microsoft.com/office/2006/01/customui",
               "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility")


def ribbon_parts() -> list[tuple[str, str, str]]:
    """(part name, XML, relationship type) for both versions of the ribbon."""
    return [(part, _ribbon(namespace), rel_type) for part, namespace, rel_type in (RIBBON_2010, RIBBON_2007)]


def add_ribbon(package: bytes) -> bytes:
    """The .xlsm package with both ribbon parts and their root relationships (after any openpyxl save)."""
    import io
    import zipfile

    out = io.BytesIO()
    parts = ribbon_parts()
    names = {part for part, _, _ in parts}
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in names:
                continue
            data = src.read(info)
            if info.filename == "_rels/.rels":
                text = data.decode("utf-8")
                for i, (part, _, rel_type) in enumerate(parts, start=1):
                    if f'Type="{rel_type}"' not in text:
                        text = text.replace("</Relationships>", f'<Relationship Id="rIdPeerMap{i}" '
                                            f'Type="{rel_type}" Target="{part}"/></Relationships>')
                data = text.encode("utf-8")
            dst.writestr(info, data)
        for part, xml, _ in parts:
            info = zipfile.ZipInfo(part, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, xml.encode("utf-8"))
    return out.getvalue()
