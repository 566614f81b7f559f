"""peermap find: people and places already mapped in another network, across a folder of hand-made peer maps."""

import datetime as dt
import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest

from conftest import run_peermap
from peermap_xl import register
from peermap_xl.book import edit, safe
from peermap_xl.checks import RULES, run_checks
from peermap_xl.cli import main
from peermap_xl.contract import schema
from peermap_xl.record.reading import read_network

D = dt.date
YP = "Young person"


@lru_cache(maxsize=1)
def _template() -> bytes:
    from peermap_xl.xlsm.template import template_bytes

    return template_bytes()


def make_book(path: Path, name: str, subjects=(), contexts=(), links=(), **network) -> Path:
    """A peer map written into the template, as a team's would be: {header: value} rows."""
    wb = openpyxl.load_workbook(io.BytesIO(_template()), keep_vba=True)
    edit.set_network_values(wb, {"Network name": name, **network})
    for sheet, rows in ((schema.SUBJECTS, subjects), (schema.CONTEXTS, contexts), (schema.LINKS, links)):
        if rows:
            edit.append_records(wb, sheet, [dict(r) for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def person(name, kind=YP, **more):
    return {"Name": name, "Type": kind, **more}


def matched(found, kind=register.PERSON) -> set[frozenset]:
    """The matches as sets of (network name, name as typed)."""
    groups = found.people if kind == register.PERSON else found.places
    return {frozenset((found.networks[m.network].name, m.name) for m in g.members) for g in groups}


def pair(a, b):
    return frozenset({a, b})


@pytest.fixture
def folder(tmp_path):
    """Two networks (one in a subfolder) with true matches, near misses and pseudonyms."""
    root = tmp_path / "Team maps"
    make_book(root / "City Road.xlsm", "City Road", subjects=[
        person("José Álvarez", **{"Date of birth": D(2010, 3, 4), "Gender": "Male"}),
        person("AMIRA   KHAN", Age=15),
        person("Smith, Jordan"),
        person("J. Okafor", **{"Date of birth": D(2009, 6, 1)}),
        person("Mary-Jane O'Brien"),
        person("Tyler Brown", **{"Date of birth": D(2009, 5, 1)}),
        person("Leon Reid", **{"Date of birth": D(2010, 1, 1), "Gender": "M"}),
        person("Jay Patel"),
        person("Male A", **{"Date of birth": D(2010, 2, 2)}),
        person("Unknown adult male", "Adult"),
        person("\u201cSmokey\u201d"),
    ], contexts=[
        {"Name": "Flat on Mare Street", "Type": "Address", "Address or area": "12 Mare St, E8 1HY"},
        {"Name": "Flat 14", "Type": "Address", "Address or area": "14 Mare Street, E8 1HY"},
        {"Name": "London Fields", "Type": "Park or open space", "Borough": "Hackney"},
        {"Name": "Male A's home", "Type": "Home"},
    ])
    make_book(root / "East" / "Hackney Wick.xlsx", "Hackney Wick", subjects=[
        person("jose alvarez", **{"Date of birth": D(2010, 3, 4), "Gender": "M"}),
        person("Amira Khan", Age=16),
        person("Jordan Smith"),
        person("Joshua Okafor", **{"Date of birth": D(2009, 6, 1)}),
        person("Mary Jane OBrien"),
        person("Tyler Brown", **{"Date of birth": D(2011, 7, 9)}),
        person("Leona Reid", **{"Date of birth": D(2010, 1, 1), "Gender": "F"}),
        person("Kai Patel"),
        person("Male A", **{"Date of birth": D(2010, 2, 2)}),
        person("Unknown adult male", "Adult"),
        person("\u201cSmokey\u201d"),
    ], contexts=[
        {"Name": "Block by the market", "Type": "Address", "Address or area": "12 Mare Street, London e81hy"},
        {"Name": "London Fields", "Type": "Park or open space", "Borough": "Hackney"},
        {"Name": "Male A's home", "Type": "Home"},
    ])
    return root


def test_true_matches_are_found_with_their_reasons(folder):
    found = register.find(folder)
    people = matched(found)
    for a, b in [("José Álvarez", "jose alvarez"), ("AMIRA KHAN", "Amira Khan"), ("Smith, Jordan", "Jordan Smith"),
                 ("J. Okafor", "Joshua Okafor"), ("Mary-Jane O'Brien", "Mary Jane OBrien")]:
        assert pair(("City Road", a), ("Hackney Wick", b)) in people, (a, b)
    reasons = {m.name: g.pairs[0].reasons for g in found.people for m in g.members}
    assert reasons["José Álvarez"] == ("same name", "same date of birth", "same gender")
    assert reasons["Smith, Jordan"][0] == "same name, first and last names swapped"
    assert "an initial for the first name" in reasons["J. Okafor"] and "same date of birth" in reasons["J. Okafor"]
    assert "ages agree" in reasons["AMIRA KHAN"]
    scores = {m.name: g.score for g in found.people for m in g.members}
    assert scores["José Álvarez"] == 100 and 80 <= scores["J. Okafor"] <= 100


def test_near_misses_and_pseudonyms_are_kept_apart(folder):
    found = register.find(folder, min_score=0)  # even the weakest match would be listed
    names = {m.name for g in found.people for m in g.members}
    assert "Tyler Brown" not in names  # same name, different dates of birth
    assert not names & {"Leon Reid", "Leona Reid", "Jay Patel", "Kai Patel"}  # siblings sharing a surname
    assert not names & {"Male A", "Unknown adult male", "\u201cSmokey\u201d"}  # pseudonyms, even with one DOB


@pytest.mark.parametrize("name, kind, expected", [
    ("Male A", YP, True), ("Unknown adult male", "Adult", True), ("Female 2", YP, True), ("YP3", YP, True),
    ("'Smokey'", YP, True), ("\u201cBlade\u201d", YP, True), ("Jordan Smith", "Unknown", True), ("", YP, True),
    ("Jordan 'JJ' Smith", YP, False), ("D'Angelo O'Neil", YP, False), ("Tom Young", "Adult", False),
    ("JS", YP, False), ("J.S.", YP, False), ("Older female 2", YP, True),
])
def test_what_a_pseudonym_is(name, kind, expected):
    assert register.is_pseudonym(name, kind) is expected


def test_a_recorded_nickname_with_the_date_of_birth_is_a_match(tmp_path):
    make_book(tmp_path / "a.xlsx", "A", subjects=[person("Bob Marley", **{"Date of birth": D(2009, 2, 6)})])
    make_book(tmp_path / "b.xlsx", "B", subjects=[person("Robert Marley", **{"Date of birth": D(2009, 2, 6)}),
                                                  person("Robert Marley")])
    groups = register.find(tmp_path).people
    assert len(groups) == 1 and len(groups[0].members) == 2  # the one without a date of birth is not enough
    assert groups[0].pairs[0].reasons[0].startswith("first name is a recorded nickname")


def test_places_match_by_postcode_despite_the_street_spelling_and_by_name(folder):
    places = matched(register.find(folder), register.PLACE)
    assert pair(("City Road", "Flat on Mare Street"), ("Hackney Wick", "Block by the market")) in places
    assert pair(("City Road", "London Fields"), ("Hackney Wick", "London Fields")) in places
    names = {name for group in places for _, name in group}
    assert "Flat 14" not in names  # same postcode, another house number
    assert "Male A's home" not in names  # a home is matched by its address only
    reasons = [g.pairs[0].reasons for g in register.find(folder).places if g.members[0].name.startswith("Flat")]
    assert reasons == [("same postcode", "same house number")]


def test_places_linked_to_young_people_in_three_networks_are_context_assessment_candidates(tmp_path):
    for n, spelling in enumerate(["Unit 4, 3 Kingsland Rd, E8 2AA", "3 Kingsland Road E8 2AA", "3 KINGSLAND RD e82aa"]):
        make_book(tmp_path / f"n{n}.xlsx", f"Network {n}", subjects=[person(f"Young person {n}")],
                  contexts=[{"Name": "Shop", "Type": "Shop or business", "Address or area": spelling}],
                  links=[{"From": "S01", "To": "C01", "Relationship": "Seen at"}])
    found = register.find(tmp_path)
    assert [(g.code, n) for g, n in found.context_candidates] == [("L1", 3)]
    assert found.incident_places is None or found.incident_places == []
    text = "\n".join(register.as_text(found))
    assert "consider a context assessment\n  L1: linked to young people in 3 networks" in text


def test_unreadable_lock_backup_and_other_files_are_skipped_and_reported(folder):
    make_book(folder / "City Road.backup.xlsm", "City Road", subjects=[person("Jordan Smith")])
    (folder / "~$City Road.xlsm").write_bytes(b"\x00" * 165)
    (folder / "East" / ".~lock.Hackney Wick.xlsx#").write_text("someone,pc,01.10.2026;")
    (folder / "Damaged.xlsm").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with zipfile.ZipFile(folder / "Hollow.xlsx", "w") as package:
        package.writestr("xl/workbook.xml", "<not-a-workbook")
    other = openpyxl.Workbook()
    other.active.append(["Budget", "2026"])
    other.save(folder / "Budget.xlsx")
    (folder / "notes.txt").write_text("not a workbook, not looked at")
    found = register.find(folder)
    assert len(found.scan.networks) == 2 and len(matched(found)) == 5  # the rest are still matched
    assert found.scan.skipped_counts() == {register.LOCK: 2, register.BACKUP: 1, register.NOT_PEER_MAP: 1,
                                           register.UNREADABLE: 2}
    result = run_peermap("find", folder)
    assert result.returncode == 0, result.stderr
    assert ("Skipped 6 files: 2 Office lock files, 1 backup, 2 could not be read, 1 not a peer-map workbook."
            in result.stdout)
    assert "Damaged.xlsm: could not be read" in result.stdout


def test_a_missing_folder_or_bad_option_is_one_line_and_exit_2(tmp_path, folder):
    result = run_peermap("find", tmp_path / "nowhere")
    assert result.returncode == 2 and "was not found" in result.stderr and "Traceback" not in result.stderr
    result = run_peermap("find", folder, "--write")
    assert result.returncode == 2 and "--book" in result.stderr
    assert run_peermap("find", folder, "--min-score", "120").returncode == 2


def _already_mapped_checks(book: Path) -> list[dict]:
    ws = openpyxl.load_workbook(book, read_only=True)["Checks"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "Rule" in r)
    names = rows[header]
    return [dict(zip(names, r)) for r in rows[header + 1:] if dict(zip(names, r))["Rule"] == "already-mapped"]


def _column(book: Path, sheet: str) -> dict[str, str]:
    frame = read_network(book).frames[sheet]
    return {n: v for n, v in zip(frame["name"], frame["already_mapped_elsewhere"]) if isinstance(v, str)}


def test_book_write_fills_the_column_and_the_findings_idempotently(folder):
    book = folder / "City Road.xlsm"
    third = make_book(folder / "Third.xlsx", "Kingsland", subjects=[person("Amira Khan", Age=15)])
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb["Subjects"]
    headers = {c.value: c.column for c in ws[1]}
    ws.cell(3, headers["Already mapped elsewhere"], "Hackney Wick")  # AMIRA KHAN, typed by hand already
    ws.cell(4, headers["Already mapped elsewhere"], "Yes (2024, Islington)")  # Smith, Jordan: kept as typed
    wb.save(book)
    assert main(["find", str(folder), "--book", str(book), "--write"]) == 0
    subjects = _column(book, "Subjects")
    assert subjects == {"José Álvarez": "Hackney Wick", "AMIRA KHAN": "Hackney Wick; Kingsland",
                        "Smith, Jordan": "Yes (2024, Islington); Hackney Wick", "J. Okafor": "Hackney Wick",
                        "Mary-Jane O'Brien": "Hackney Wick"}
    assert _column(book, "Contexts") == {"Flat on Mare Street": "Hackney Wick", "London Fields": "Hackney Wick"}
    findings = _already_mapped_checks(book)
    assert len(findings) == sum(len(v.split("; ")) for v in subjects.values()) + 2  # one per network named
    assert {f["Code"] for f in findings} == {r.code for r in RULES if r.slug == "already-mapped"}
    assert safe.backup_path(book).exists()
    before = (subjects, findings)
    assert main(["find", str(folder), "--book", str(book), "--write"]) == 0
    assert (_column(book, "Subjects"), _already_mapped_checks(book)) == before
    third.unlink()  # a network gone from the folder: what was recorded stays (it is the user's record)
    assert main(["find", str(folder), "--book", str(book), "--write"]) == 0
    assert _column(book, "Subjects") == subjects


def test_book_write_refuses_a_workbook_open_in_excel(folder):
    book = folder / "City Road.xlsm"
    safe.lock_file(book).write_bytes(b"\x00")
    before = book.read_bytes()
    result = run_peermap("find", folder, "--book", book, "--write")
    assert result.returncode == 2 and "open in Excel" in result.stderr
    assert book.read_bytes() == before


def test_book_report_lists_only_that_workbooks_matches(folder):
    book = folder / "East" / "Hackney Wick.xlsx"
    data = json.loads(run_peermap("find", folder, "--book", book, "--json").stdout)
    assert data["book"] == "Hackney Wick" and data["read"] == 1 and data["protective_marking"] == "OFFICIAL-SENSITIVE"
    own = [r for r in data["people"] if r["matched_with"] is None]
    assert {r["network"] for r in own} == {"Hackney Wick"} and len(own) == 5
    assert all(r["score"] >= 80 and r["reasons"] for r in data["people"] if r["matched_with"])


def test_the_already_mapped_rule_gives_one_finding_per_network_named_and_quotes_no_cell(folder):
    from peermap_xl.operations import find_book

    book = folder / "City Road.xlsm"
    make_book(folder / "Third.xlsx", "Kingsland", subjects=[person("Amira Khan", Age=15)])
    find_book(book, folder, register.DEFAULT_MIN_SCORE)
    network = read_network(book)
    plain = [f for f in run_checks(network) if f.rule == "already-mapped"]
    coded = [f for f in run_checks(network, anonymise=True) if f.rule == "already-mapped"]
    assert len(plain) == len(coded) == 8
    assert not any(name in f.message for f in plain + coded for name in ("Hackney", "Kingsland"))
    khan = [f.message for f in plain if f.id == "S02"]  # AMIRA KHAN, on two other maps
    assert [m.split("(")[1].split(" in ")[0] for m in khan] == ["network 1 of 2", "network 2 of 2"]
    assert all(f.message.startswith(f"{f.id} YP") for f in coded if f.sheet == "Subjects")


SECRETS = ("José", "Álvarez", "Khan", "Okafor", "Jordan", "O'Brien", "OBrien", "Mare", "E8 1HY", "London Fields",
           "City Road", "Hackney Wick", "Team maps")


def test_anonymised_reports_hold_counts_and_codes_only(folder, tmp_path):
    text = run_peermap("find", folder, "--anonymise").stdout
    data = run_peermap("find", folder, "--anonymise", "--json").stdout
    book_text = run_peermap("find", folder, "--book", folder / "City Road.xlsm", "--anonymise").stdout
    for output in (text, data, book_text):
        assert not [s for s in SECRETS if s in output]
    assert "N1 YP1" in text and "[OFFICIAL-SENSITIVE]" in text
    out = tmp_path / "register.xlsx"
    assert run_peermap("find", folder, "--anonymise", "--out", out).returncode == 0
    wb = openpyxl.load_workbook(out)
    cells = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    assert not [s for s in SECRETS if s in cells]
    assert all(ws.oddHeader.center.text == "OFFICIAL-SENSITIVE" for ws in wb)


def test_the_xlsx_report_lists_the_matches_by_header(folder, tmp_path):
    out = tmp_path / "register.xlsx"
    assert main(["find", str(folder), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "People", "Places", "Skipped"]
    ws = wb["People"]
    assert ws["A1"].value == "OFFICIAL-SENSITIVE" and ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    header = [c.value for c in ws[4]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=5)]
    assert {(r["Network"], r["ID"]) for r in rows if r["Group"] == "P1"} == {("City Road", "S01"),
                                                                           ("Hackney Wick", "S01")}
    assert len({r["Group"] for r in rows}) == 5
    assert main(["find", str(folder), "--out", str(tmp_path / "register.csv")]) == 2


def test_the_already_mapped_button_searches_the_register_folder_and_writes_the_column(folder, monkeypatch):
    import xlwings as xw
    from xlwings_payload import payload

    from peermap_xl import buttons

    monkeypatch.chdir(folder)  # the remote engine's workbook has no folder: files are beside it, here
    book = folder / "City Road.xlsm"
    wb = openpyxl.load_workbook(book, keep_vba=True)
    edit.set_network_values(wb, {"Register folder": "East"})
    wb.save(book)
    excel = xw.Book(json=payload(book))
    buttons.already_mapped(excel)
    sent = excel.json()["actions"]
    names = [s.name for s in excel.sheets]
    header = next(s["values"][0] for s in payload(book)["sheets"] if s["name"] == "Subjects")
    column = header.index("Already mapped elsewhere") + 1
    cells = [a for a in sent if a["func"] == "setValues" and a["sheet_position"] == names.index("Subjects")
             and a["start_column"] == column - 1]
    written = {a["start_row"] + 1 + i: row[0] for a in cells for i, row in enumerate(a["values"])}
    assert written == {row: "Hackney Wick" for row in (2, 3, 4, 5, 6)}  # the five people matched, by row
    checks = next(a for a in sent if a["func"] == "setValues" and a["sheet_position"] == names.index("Checks"))
    rules = [row[6] for row in checks["values"][4:]]
    assert rules.count("already-mapped") == 7
    [said] = [a["args"][0] for a in sent if a["func"] == "alert"]
    assert said.startswith("5 of this network's people and 2 of its places are already on other peer maps")
    assert "Read 1 other peer map in 'East'" in said


def test_the_quick_folder_reader_agrees_with_the_model(example_book, folder):
    """Workbooks of the folder are typed cell by cell without frames: the same people, places and labels."""
    from peermap_xl.book.file import read_raw

    for path in (example_book, folder / "City Road.xlsm"):
        full = register.summarise(path, path.name, read_network(path))
        quick = register.summarise_raw(path, path.name, read_raw(path, register.tables()))
        assert (quick.name, quick.marking, quick.labels, quick.codes) == (full.name, full.marking, full.labels,
                                                                          full.codes)
        assert quick.people == full.people and quick.places == full.places
        assert any(p.with_young_people for p in quick.places) or path != example_book


def test_places_with_incidents_in_two_networks(tmp_path):
    for n, (spelling, where) in enumerate([("5 Well St, E9 7PX", "C01"), ("5 Well Street E9 7PX", "Corner shop"),
                                           ("5 Well Street, e97px", None)]):
        path = make_book(tmp_path / f"n{n}.xlsx", f"Network {n}", subjects=[person(f"Young person {n}")],
                         contexts=[{"Name": "Corner shop", "Type": "Shop or business", "Address or area": spelling}])
        wb = openpyxl.load_workbook(path)
        edit.append_records(wb, schema.sheet("Incidents"), [{"Date": D(2026, 9, 1), "What happened": "A fight",
                                                             "Where": where, "Who": "S01"}])
        wb.save(path)
    found = register.find(tmp_path)
    assert [(g.code, n) for g, n in found.incident_places] == [("L1", 2)]
    assert "  L1: incidents in 2 networks" in "\n".join(register.as_text(found))


def test_a_copy_of_the_workbook_is_named_by_its_file(folder):
    import shutil

    from peermap_xl.operations import find_book

    book = folder / "City Road.xlsm"
    (folder / "Old").mkdir()
    shutil.copy(book, folder / "Old" / "City Road copy.xlsm")
    find_book(book, folder, register.DEFAULT_MIN_SCORE)
    assert _column(book, "Subjects")["José Álvarez"] == "Hackney Wick; City Road (Old/City Road copy.xlsm)"
