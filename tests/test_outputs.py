"""Issue 10: outputs a practitioner can upload and send as they are, shown on the nine-young-people case."""

import datetime as dt
import re
from pathlib import Path

import docx
import pytest

from conftest import change, run_peermap
from nine_young_people import AS_OF, FULL_NAMES, RECORDS, write_case
from outputs_scan import every_part, names_in
from peermap_xl import checks, minutes
from peermap_xl.operations import record_session, write_invite, write_minutes
from peermap_xl.record import labels
from peermap_xl.record.reading import read_network

D = dt.date
NAMES = list(FULL_NAMES.values())


def text_of(document) -> str:
    """Paragraphs and table cells in reading order."""
    out = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            out += [" | ".join(c.text for c in row.cells) for row in block.rows]
        else:
            out.append(block.text)
    return "\n".join(out)


def section(text: str, heading: str, following: str) -> str:
    return text.split("\n" + heading + "\n", 1)[1].split("\n" + following + "\n", 1)[0]


def case_in(tmp_path, names_mode=None, records=None) -> Path:
    network = {"Names on outputs": names_mode} if names_mode else None
    return write_case(tmp_path / "Mare Street.xlsm", records, network)


# --- 1. initials unique, pseudonyms kept, no name leaks ----------------------------------------------


def test_initials_are_unique_within_the_network_and_pseudonyms_are_kept(case_book):
    view = labels.View(read_network(case_book))
    assert (view.label("S01"), view.label("S02")) == ("JMo", "JMe")  # Jordan Morris, Jamal Mensah
    assert view.label("S11") == "B" and view.label("S12") == "Unknown adult male"  # "Bugsy" is a (street) name
    assert view.label("C04").startswith("LOC")  # an address is never shown by its name on initials outputs
    assert len(set(view.labels.values())) == len(view.labels)
    assert view.key() == [("JMo", "Jordan Morris"), ("JMe", "Jamal Mensah")]
    assert labels.unique_initials([("S1", "Jo Ma"), ("S2", "Jo Ma")]) == {"S1": "JM1", "S2": "JM2"}
    assert sorted(["S10", "S2", "\u00b2"], key=labels.id_order) == ["S2", "S10", "\u00b2"]  # a digit int() refuses


def test_names_typed_in_free_text_are_replaced_by_labels(case_book):
    view = labels.View(read_network(case_book))
    assert view.text("Jordan says Bugsy pays him; the Morris family are worried; Marcus Reid leads") == \
        "JMo says B pays him; the JMo family are worried; MR leads"
    assert view.text("He will see Priya's mum") == "He will see PS's mum"


def test_a_part_of_a_street_name_that_is_a_word_is_replaced_only_as_a_name(case_book):
    """Known as "J-Man" (a practitioner's case): "to a man at the chicken shop" is no mention of him, "Man said" is."""
    change(case_book, [("Subjects", "S02", "Known as", "J-Man")])
    view = labels.View(read_network(case_book))
    assert view.text("Handing packages to a man at the counter") == "Handing packages to a man at the counter"
    assert view.text("J-Man and Man were seen") == "JMe and JMe were seen"


@pytest.mark.parametrize("mode", ["Initials", "Codes"])
def test_no_name_in_any_part_of_an_initials_or_codes_output(tmp_path, mode):
    book = write_case(tmp_path / "Mare Street.xlsm", network={"Names on outputs": mode,
                                                               "Network name": "Jordan Morris and friends"})
    outputs = [write_minutes(book, out=tmp_path)]
    assert run_peermap("map", book, "--as-of", AS_OF, "--out", tmp_path / "map.svg").returncode == 0
    assert run_peermap("map", book, "--as-of", AS_OF, "--out", tmp_path).returncode == 0  # named as DESIGN.md says
    outputs += [tmp_path / "map.svg", *tmp_path.glob("Peer Map - *.png")]
    assert len(outputs) == 3
    report = run_peermap("check", book, "--as-of", AS_OF)
    found = {str(p.name): names_in(every_part(p) + p.name, NAMES) for p in outputs}
    found["check"] = names_in(report.stdout, NAMES)
    assert found == {name: [] for name in found}


# --- 2. the subject list: researchable, active subjects only -------------------------------------------


def test_the_subject_list_carries_what_agencies_need_to_research(case_book, tmp_path):
    path = write_invite(case_book, day=D(2026, 9, 7), out=tmp_path / "list.docx")
    text = text_of(docx.Document(str(path)))
    assert "OFFICIAL-SENSITIVE" in text and "secure email only" in text
    assert "Jordan Morris | JMo | JJ | 04/03/2011 | Male | Clarence Road, Hackney | Young person" in text
    assert "Jamal Mensah | JMe |  | 16 years | Male" in text
    police = section(text, "Metropolitan Police", "Questions for Metropolitan Police")
    assert "Marcus Reid" in police and "Liam Doherty" not in police  # per the agency holding information
    assert "G03 | Who is Bugsy and does Jordan owe him money?" in text
    assert "Ryan Price" not in text  # removed: no longer researched


def test_the_subject_list_says_who_sends_it_when_and_whom_agencies_may_not_find(tmp_path):
    lead = {"ID": "K06", "Name": "Amira Clarke", "Role": "Contextual safeguarding practitioner",
            "Agency": "Hackney CSC", "Email": "amira.clarke@hackney.example", "Phone": "020 7000 0000"}
    book = case_in(tmp_path, records={**RECORDS, "Contacts": RECORDS["Contacts"] + [lead]})
    document = docx.Document(str(write_invite(book, day=D(2026, 9, 7), out=tmp_path / "list.docx")))
    text = text_of(document)
    assert "From | Amira Clarke\nRole | Contextual safeguarding practitioner\nAgency | Hackney CSC\n" \
           "Contact | amira.clarke@hackney.example; 020 7000 0000\nDate of issue | 07/09/2026" in text
    undated = [r["Name"] for r in RECORDS["Subjects"] if r["Status"] == "Active" and not r.get("Age")
               and not r.get("Date of birth")]
    assert undated == ["\u201cBugsy\u201d", "Unknown adult male"]
    for name in undated:
        assert f"\n{name} \u2013 Date of birth not recorded: agencies may not be able to find records.\n" in text
    assert text.count("Date of birth not recorded") == len(undated)  # each listed once (by the police)
    tables = [t for t in document.tables if t.rows[0].cells[0].text in ("Full name", "ID", "Name", "Where")]
    assert tables and all(t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader"))
                          is not None for t in tables)  # the header row repeated on every page
    assert all(row._tr.trPr is None or row._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is None
               for t in tables for row in t.rows[1:])
    assert all(row._tr.trPr.find(docx.oxml.ns.qn("w:cantSplit")) is not None
               for t in tables for row in t.rows)  # a person's row never split across two pages
    labels_ = [p for p in document.paragraphs if p.text.startswith("Questions for ")]
    assert labels_ and all(p.paragraph_format.keep_with_next for p in labels_)  # never alone at a page's foot
    shared = every_part(write_invite(book, day=D(2026, 9, 7), out=tmp_path / "anon.docx", anonymise=True))
    assert "Date of issue" in shared and "Amira" not in shared and "hackney.example" not in shared


def test_the_anonymised_subject_list_keeps_its_meaning(case_book, tmp_path):
    path = write_invite(case_book, day=D(2026, 9, 7), out=tmp_path / "list.docx", anonymise=True)
    text = every_part(path)
    assert names_in(text, NAMES) == [] and "YP1" in text and "outside the home borough" in text
    assert "Enfield" not in text and "Designated safeguarding lead" not in text


# --- 3. the meeting's decisions apart from peermap's prompts ----------------------------------------


def test_decisions_hold_only_what_the_meeting_recorded(case_book, tmp_path):
    text = text_of(docx.Document(str(write_minutes(case_book, out=tmp_path / "m.docx"))))
    decided = section(text, "Decisions", minutes.CONSIDER)
    assert decided.strip() == "Police to identify B. Safety plan for JMo with PS's help."
    prompts = section(text, minutes.CONSIDER, "What changed since the last session")
    assert "Consider a peer assessment" in prompts and "links L01, L02, L03, L04" in prompts
    first = text_of(docx.Document(str(write_minutes(case_book, "M01", out=tmp_path / "m1.docx"))))
    assert "Consider" not in section(first, "Decisions", minutes.CONSIDER)


def test_a_session_without_decisions_says_none_recorded(case_book):
    network = read_network(case_book)
    network.sessions.loc[network.sessions["id"] == "M02", "decisions"] = None
    blocks = minutes.content(network, "M02")
    at = next(i for i, b in enumerate(blocks) if isinstance(b, minutes.Heading) and b.text == "Decisions")
    assert blocks[at + 1].text == "None recorded."


# --- 4. prompts that do not overreach ----------------------------------------------------------------


def prompts(book):
    return {f.rule: f for f in checks.run_checks(read_network(book), AS_OF)
            if f.rule in ("consider-peer-assessment", "consider-context-assessment")} | {
        (f.rule, f.id): f for f in checks.run_checks(read_network(book), AS_OF) if f.rule == "bridge"}


def test_prompts_count_risky_links_only_and_judge_nobody(case_book):
    found = prompts(case_book)
    peer = found["consider-peer-assessment"].message
    assert "(JMo, JMe, MR, TB)" in peer and "PS" not in peer  # the protective low-risk friend is not swept in
    context = [f for f in checks.run_checks(read_network(case_book), AS_OF)
               if f.rule == "consider-context-assessment"]
    assert [f.id for f in context] == ["C01"]  # the park; never the school its pupils attend
    victim = found[("bridge", "S03")].message  # Kayla, 14, groomed: the only link to her friends
    assert "is the only recorded link between" in victim
    for f in checks.run_checks(read_network(case_book), AS_OF):
        assert "%" not in f.message and "holds the network together" not in f.message


def test_the_map_describes_its_shading_and_can_leave_it_out(tmp_path):
    shaded, plain = case_in(tmp_path / "a" if (tmp_path / "a").mkdir() is None else None), None
    (tmp_path / "b").mkdir()
    plain = write_case(tmp_path / "b" / "Mare Street.xlsm", network={"Shade groups on the map": "No"})
    for book, expected in ((shaded, True), (plain, False)):
        out = book.with_suffix(".svg")
        assert run_peermap("map", book, "--as-of", AS_OF, "--out", out).returncode == 0
        text = out.read_text(encoding="utf-8")
        assert ("Drawn close together:" in text) is expected and "a group" not in text


def test_groups_are_the_same_whatever_the_order_of_the_rows(tmp_path):
    from peermap_xl.record import graph

    reordered = {**RECORDS, **{sheet: list(reversed(RECORDS[sheet])) for sheet in ("Subjects", "Contexts", "Links")}}
    first = graph.groups(graph.build(read_network(case_in(tmp_path))))
    (tmp_path / "b").mkdir()
    again = graph.groups(graph.build(read_network(write_case(tmp_path / "b" / "Mare Street.xlsm", reordered))))
    assert len(first) >= 3 and again == first  # the same members, in the same order (the same shading)


def test_a_group_whose_links_did_not_change_keeps_its_members_and_number(case_book):
    from peermap_xl.operations import record_session
    from peermap_xl.record import graph

    before = graph.groups(graph.build(read_network(case_book)))
    kayla = next(i for i, g in enumerate(before) if "S03" in g)
    record_session(case_book, "Review", D(2026, 10, 1))  # the snapshot the next map is compared with
    change(case_book, [("Links", 1, header, value) for header, value in (
        ("ID", "L22"), ("From", "S04"), ("To", "S06"), ("Relationship", "Associate"), ("Nature", "Risky"))])
    after = graph.groups(graph.build(read_network(case_book)))
    assert any({"S04", "S06"} <= g for g in after)  # the far-away link made a new group...
    assert after[kayla] == before[kayla] == {"S03", "S07", "S09"}  # ...and Kayla's keeps its members and number
    assert graph.groups(graph.build(read_network(case_book)), earlier=[]) != after  # numbering came from before


# --- 5. Figure 1 and the minutes faithful to the record ----------------------------------------------


def test_figure_one_is_about_the_young_person(case_book):
    network = read_network(case_book)
    jordan = minutes.figure_one(network, "S01", on=D(2026, 9, 15))
    assert jordan["Key questions"] == ["G03: Who is B and does JMo owe him money?"]  # not G02 about MR and KO
    assert sum("Sam Taylor" in c for c in jordan["Key contacts"]) == 1
    assert jordan["The young person's own view"] == ["Would help if in trouble: PS",
                                                      "Strategy: Meet PS at the library after school"]
    kayla = minutes.figure_one(network, "S03", on=D(2026, 9, 15))
    assert "MR \u2013 partner (risky; anecdotal)" in kayla["Linked peers / peer group"]
    assert "The young person's own view" not in kayla


def test_an_earlier_sessions_minutes_describe_the_network_as_it_was(case_book, tmp_path):
    from peermap_xl.operations import record_session

    record_session(case_book, "Review", D(2026, 9, 22))  # M03, with its snapshot
    change(case_book, [("Subjects", "S06", "Status", "Removed"),  # Tariq leaves after M03
                       ("Subjects", "S09", "Risk level", "High")])
    record_session(case_book, "Review", D(2026, 10, 1))  # M04, today
    then = text_of(docx.Document(str(write_minutes(case_book, "M03", out=tmp_path / "m3.docx"))))
    now = text_of(docx.Document(str(write_minutes(case_book, "M04", out=tmp_path / "m4.docx"))))
    def figure_one_of(text):
        return section(text, "Young people (Figure 1)", "The young person's view")

    assert "\nTB\n" in figure_one_of(then) and "\nTB\n" not in figure_one_of(now)
    assert "DC (young person, high risk)" in now and "DC (young person, high risk)" not in then
    assert "No snapshot was kept before this session" in then  # M01 and M02 were held before snapshots
    assert "Removed: TB (person)" in now
    first = text_of(docx.Document(str(write_minutes(case_book, "M01", out=tmp_path / "m1.docx"))))
    assert "This is the first session recorded" in first
    assert "No snapshot was kept at this session" in first and "3 sessions held since" in first


def test_minutes_of_a_session_without_a_snapshot_leave_out_what_came_after_it(case_book, tmp_path):
    change(case_book, [("Gaps", 1, header, value) for header, value in (
        ("ID", "G04"), ("Question", "Who else goes to the flat?"), ("About", "C04"), ("Raised on", D(2026, 9, 25)),
        ("Status", "Open"), ("Origin", "Suggested"))])
    text = text_of(docx.Document(str(write_minutes(case_book, "M02", out=tmp_path / "m2.docx"))))
    top = text.split("\nMeeting details\n")[0]
    assert "No snapshot was kept at this session" in top and "as it stood on 15/09/2026" in top
    assert "1 question" in top and "put back: 1 person or place removed since" in top  # G04; Ryan, removed 20/09
    assert "G04" not in text and "Who else goes" not in text
    assert "\nRP\n" in section(text, "Young people (Figure 1)", "The young person's view")  # still there on 15/09
    record_session(case_book, "Review", D(2026, 10, 1))  # a snapshot: those minutes say nothing of the kind
    latest = text_of(docx.Document(str(write_minutes(case_book, "M03", out=tmp_path / "m3.docx"))))
    assert "No snapshot was kept at this session" not in latest and "G04" in latest
    assert "\nRP\n" not in section(latest, "Young people (Figure 1)", "The young person's view")


def test_the_snapshot_kept_with_such_minutes_is_the_network_they_show(case_book, tmp_path):
    write_minutes(case_book, "M02", out=tmp_path / "m2.docx", write=True)  # keeps M02's snapshot
    kept = read_network(case_book).history
    ryan = kept[(kept["session"] == "M02") & (kept["id"] == "S10")]
    assert list(ryan["status"]) == ["Active"]  # removed on 20/09, after the session, as its minutes show him
    record_session(case_book, "Review", D(2026, 10, 1))
    text = text_of(docx.Document(str(write_minutes(case_book, "M03", out=tmp_path / "m3.docx"))))
    assert "Removed: RP (person)" in section(text, "What changed since the last session", "Next review and upload")


def test_one_next_review_date_in_the_minutes_and_on_the_map(tmp_path):
    sessions = [dict(s) for s in RECORDS["Sessions"]]
    sessions[-1]["Next review"] = D(2027, 1, 20)  # agreed at the meeting, not three months on
    book = case_in(tmp_path, records={**RECORDS, "Sessions": sessions})
    text = text_of(docx.Document(str(write_minutes(book, out=tmp_path / "m.docx"))))
    assert "Next review: 20/01/2027" in text
    assert run_peermap("map", book, "--as-of", "2026-09-15", "--out", tmp_path / "map.svg").returncode == 0
    assert "Next review: 20/01/2027" in (tmp_path / "map.svg").read_text(encoding="utf-8")


def test_anonymised_minutes_say_withheld_where_they_withhold(case_book, tmp_path):
    text = text_of(docx.Document(str(write_minutes(case_book, out=tmp_path / "m.docx", anonymise=True))))
    assert "Current concerns - vulnerabilities | withheld" in text
    assert section(text, "Decisions", minutes.CONSIDER).strip() == "withheld"


def test_anonymised_minutes_are_for_sharing_not_for_the_childs_file(case_book, tmp_path):
    text = text_of(docx.Document(str(write_minutes(case_book, out=tmp_path / "a.docx", anonymise=True))))
    assert "Upload these minutes" not in text and "Mosaic" not in text and "upload." not in text
    assert text.count(minutes.sections.SHARING) == 2  # at the top, and where the full minutes say where to upload
    assert "\nNext review and sharing\n" in text and "before it is shared." in text
    assert "12 people: 10 young people, 1 adult, 1 unknown" in text  # not "1 adults"
    prompts = section(text, minutes.CONSIDER, "What changed since the last session")
    assert "YP1 is the only recorded link between" in prompts
    assert not re.search(r"\b[SC]\d\d\b", prompts)  # the workbook's IDs mean nothing to this reader
    full = text_of(docx.Document(str(write_minutes(case_book, out=tmp_path / "m.docx"))))
    assert "Upload these minutes and the map to the Mosaic file" in full and minutes.sections.SHARING not in full
    shared = run_peermap("minutes", case_book, "--anonymise", "--out", tmp_path / "b.docx")
    assert shared.returncode == 0 and "Mosaic" not in shared.stdout and "do not upload it" in shared.stdout


def test_the_map_is_on_its_own_landscape_page_with_labels_of_8_points_in_print(case_book, tmp_path):
    from peermap_xl.draw import network_map

    document = docx.Document(str(write_minutes(case_book, out=tmp_path / "m.docx")))
    [picture] = document.inline_shapes
    page = next(s for s in document.sections if s.page_width > s.page_height)
    printed_inches = picture.width.inches
    assert printed_inches <= docx.shared.Length(page.page_width - page.left_margin - page.right_margin).inches
    room = page.page_height - page.top_margin - page.bottom_margin - docx.shared.Cm(minutes.word.MAP_PAGE_TEXT_CM)
    assert picture.height <= room  # its heading and caption on the same page
    drawn_inches = network_map.WIDTH / network_map.DPI
    assert network_map.LABEL_POINTS * printed_inches / drawn_inches >= 8
    assert document.sections[-1].page_width < document.sections[-1].page_height  # portrait again after it


def test_status_cells_fit_their_longest_word(case_book, tmp_path):
    """'OVERDUE' and 'In progress' on lines of their own, in a column wide enough not to break them."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    text = text_of(docx.Document(str(write_minutes(case_book, out=tmp_path / "m.docx"))))
    assert "| OVERDUE\nIn progress" in text
    widest = max(TextPath((0, 0), w, size=9, prop=FontProperties(family="DejaVu Sans", weight="bold"))
                 .get_extents().width for w in ("OVERDUE", "In progress", "Status"))
    status_cm = minutes.sections._LIST_WIDTHS[-1] - 2 * 0.19  # Word's default cell margins
    assert widest / 72 * 2.54 < status_cm


def _printed_cm(word: str, points: float, bold: bool) -> float:
    """The word's printed width in Arial's metric twin (Liberation Sans), read from the font file itself."""
    import subprocess

    from fontTools.ttLib import TTFont

    path = subprocess.run(["fc-match", "-f", "%{file}", f"Liberation Sans:{'bold' if bold else 'regular'}"],
                          capture_output=True, text=True, check=True).stdout
    assert "LiberationSans-" in path, path  # Arial's metric twin, as LibreOffice prints it
    font = TTFont(path)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap[ord(c)]][0] for c in word)
    return units / font["head"].unitsPerEm * points / 72 * 2.54


def test_no_table_cell_breaks_a_word(case_book, tmp_path):
    """Every word in every table cell (status words, headers, names) fits its column at the size it prints."""
    record_session(case_book, "Review", D(2026, 10, 1))  # overdue questions and actions: OVERDUE, NOBODY YET
    change(case_book, [("Gaps", "G01", "Assigned to", None)])
    documents = [write_minutes(case_book, out=tmp_path / "m.docx"),
                 write_minutes(case_book, out=tmp_path / "a.docx", anonymise=True),
                 write_invite(case_book, day=D(2026, 9, 30), out=tmp_path / "l.docx")]
    margins = 2 * 0.19
    checked = set()
    for path in documents:
        for table in docx.Document(str(path)).tables:
            grid = [docx.shared.Length(int(c.get(docx.oxml.ns.qn("w:w"))) * 635).cm
                    for c in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
            for row in table.rows:
                for j, cell in enumerate(row.cells):
                    for run in (r for p in cell.paragraphs for r in p.runs):
                        for word in run.text.split():
                            width = _printed_cm(word, run.font.size.pt, bool(run.bold))
                            assert width + margins <= grid[j], (path.name, word, grid[j])
                            checked.add(word)
    assert {"OVERDUE", "NOBODY", "progress", "Metropolitan", "Date"} <= checked


def test_a_column_too_narrow_for_its_word_takes_room_from_the_others():
    from peermap_xl.minutes import fit

    widths = (1.2, 4.4, 2.4, 2.4, 2.2, 2.0, 1.2)  # a Status column 1.2 cm wide: "OVERDUE" would break
    lines = [["ID", "Question", "About", "Finding out", "Agency", "By", "Status"],
             ["G01", "Who is he?", "S01", "NOBODY YET", "", "", "OVERDUE"]]
    assert fit.longest_word_cm("OVERDUE", 9) + fit.CELL_MARGINS_CM > widths[-1]
    fitted = fit.fitted(widths, lines, 9, bold_row=0, bold_column=None)
    assert fitted[-1] >= fit.longest_word_cm("OVERDUE", 9) + fit.CELL_MARGINS_CM
    assert fitted[1] < widths[1] and sum(fitted) == pytest.approx(sum(widths))  # from the Question's room
    assert fit.fitted((2.0, 15.0), [["ID", "Question"]], 9, 0, None) == (2.0, 15.0)  # nothing to change


def test_word_opens_the_minutes_and_subject_list_without_repair(case_book, tmp_path):
    from openxml_audit import OpenXmlValidator

    validator = OpenXmlValidator()
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    assert validator.validate(str(plain)).errors  # python-docx's own template: the findings this fixes
    for path in (write_minutes(case_book, out=tmp_path / "m.docx"),
                 write_invite(case_book, day=D(2026, 9, 7), out=tmp_path / "l.docx")):
        result = validator.validate(str(path))
        assert [e for e in result.errors] == []
        assert "stylesWithEffects" not in every_part(path)


# --- 6. closing with safeguards -------------------------------------------------------------------------


def test_close_refuses_while_actions_or_questions_are_open(case_book):
    before = case_book.read_bytes()
    unexplained = run_peermap("close", case_book, "--date", "2026-10-01")
    assert unexplained.returncode == 2 and "--reason" in unexplained.stderr
    refused = run_peermap("close", case_book, "--date", "2026-10-01", "--reason", "risk reduced")
    assert refused.returncode == 1, refused.stderr  # a refusal, not bad input: nothing changed
    assert "actions A01 (overdue), A02; questions G01, G02, G03; young people at high risk S01, S02, S03, S08" \
        in refused.stderr and "--force" in refused.stderr
    assert names_in(refused.stderr, NAMES) == []  # IDs only in messages
    assert case_book.read_bytes() == before


def test_a_forced_close_checks_records_the_reason_and_what_was_left_open(case_book):
    import openpyxl

    result = run_peermap("close", case_book, "--date", "2026-10-01", "--reason", "young people moved", "--force")
    assert result.returncode == 0, result.stderr
    assert "Left open: actions A01 (overdue), A02; questions G01, G02, G03" in result.stdout
    assert openpyxl.load_workbook(case_book)["Checks"]["A1"].value.startswith("Checks as of 01/10/2026")
    final = case_book.with_name("Peer Mapping Minutes Peer Network - Criminal exploitation around Mare Street park "
                                "- 2026-10-01.docx")
    text = text_of(docx.Document(str(final)))
    closing = section(text, "Closure", "What changed since the last session")
    assert "Reason for closing: young people moved" in closing and closing.count("young people moved") == 1
    assert "The meeting closed the network with these still open (peermap close --force)." in closing
    assert "Action A01: Refer JMo to the National Referral Mechanism (overdue)" in closing
    assert "Question G02: Is MR controlling KO?" in closing and "KO: young person at high risk" in closing
    assert "Chair | not recorded (add it on the Sessions sheet)" in text
    assert "No next review: the network is closed (closed on 01/10/2026)." in text


def test_review_and_closure_minutes_carry_the_chair_and_attendees_given(case_book, tmp_path):
    review = run_peermap("review", case_book, "--date", "2026-10-01", "--chair", "Amira Clarke",
                         "--attendees", "Amira Clarke; PC Dan Ross; Ms Adebayo",
                         "--agencies", "Hackney CSC; Metropolitan Police")
    assert review.returncode == 0, review.stderr
    assert "Not given" not in review.stdout
    text = text_of(docx.Document(str(write_minutes(case_book, "M03", out=tmp_path / "m3.docx"))))
    details = section(text, "Meeting details", "The network")
    assert "Chair | Amira Clarke" in details and "Attendees | Amira Clarke; PC Dan Ross; Ms Adebayo" in details
    assert "Agencies | Hackney CSC; Metropolitan Police" in details and "not recorded" not in details
    shared = text_of(docx.Document(str(write_minutes(case_book, "M03", out=tmp_path / "a3.docx", anonymise=True))))
    assert "Chair | withheld" in shared and "Attendees | withheld" in shared and "Amira" not in shared
    closed = run_peermap("close", case_book, "--date", "2026-10-01", "--reason", "risk reduced", "--force",
                         "--chair", "Sam Taylor")
    assert closed.returncode == 0, closed.stderr
    assert "Not given: the attendees and the agencies." in closed.stdout and "session M04's row" in closed.stdout
    final = text_of(docx.Document(str(write_minutes(case_book, "M04", out=tmp_path / "m4.docx"))))
    details = section(final, "Meeting details", "The network")
    assert "Chair | Sam Taylor" in details and "Attendees | not recorded (add it on the Sessions sheet)" in details
    assert "Agencies | not recorded (add it on the Sessions sheet)" in details


# --- 7. a record error never merges or drops a person --------------------------------------------------


def duplicate_id_case(tmp_path):
    records = dict(RECORDS)
    records["Subjects"] = [{**s, "ID": "S01"} if s["ID"] == "S02" else s for s in RECORDS["Subjects"]]
    return case_in(tmp_path, records=records)


def _files(folder: Path) -> list:
    from peermap_xl.book import safe

    return sorted(p for p in folder.iterdir() if p != safe.peermap_lock(p.with_name("Mare Street.xlsm")))


@pytest.mark.parametrize("command", ["minutes", "invite", "map"])
def test_an_output_is_refused_when_two_people_share_an_id(tmp_path, command):
    book = duplicate_id_case(tmp_path)
    before = _files(tmp_path)
    result = run_peermap(command, book)
    assert result.returncode == 1, result.stderr
    assert "S01 is also the ID of Subjects row 2" in result.stderr and "--despite-errors" in result.stderr
    assert _files(tmp_path) == before  # nothing written (peermap's advisory lock holds no data)
    assert names_in(result.stderr, NAMES) == []


def test_despite_errors_shows_everyone_under_a_banner(tmp_path):
    book = duplicate_id_case(tmp_path)
    result = run_peermap("minutes", book, "--despite-errors", "--out", tmp_path / "m.docx")
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(tmp_path / "m.docx"))
    text = text_of(document)
    assert text.split("\n")[1].startswith("This record has errors: S01 is also the ID of Subjects row 2")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "JMo" in headings and "JMe" in headings  # both young people, each under their own label
    listed = run_peermap("invite", book, "--despite-errors", "--out", tmp_path / "l.docx")
    assert listed.returncode == 0, listed.stderr
    subject_list = text_of(docx.Document(str(tmp_path / "l.docx")))
    assert "Jordan Morris" in subject_list and "Jamal Mensah" in subject_list
    assert "This record has errors" in subject_list
    drawn = run_peermap("map", book, "--despite-errors", "--out", tmp_path / "map.svg", "--as-of", AS_OF)
    assert drawn.returncode == 0, drawn.stderr
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert re.search(r"This record has errors \(\d+\): S01 is also the ID", svg)
    assert ">JMo</text>" in svg and ">JMe</text>" in svg  # both drawn, each under their own label


def test_a_private_address_typed_in_free_text_is_replaced_by_its_place(case_book):
    """A practitioner's case: the flat was coded, but "found at 14 Hamlet Court Road" named it in the text."""
    change(case_book, [("Contexts", 1, "Name", "Southend flat"), ("Contexts", 1, "Type", "Address"),
                       ("Contexts", 1, "Address or area", "Flat 2, 14 Hamlet Court Road, Southend-on-Sea")])
    net = read_network(case_book)
    flat = net.contexts.iloc[-1]["id"]
    view = labels.View(net)
    said = view.text("Found by Essex Police at 14 Hamlet Court Road on Friday; seen on Hamlet Court Road since")
    assert "14 Hamlet Court Road" not in said and view.label(flat) in said
    assert "seen on Hamlet Court Road since" in said  # a street alone names no one's home


def test_a_professional_who_shares_a_childs_surname_is_shown_without_it(case_book):
    """Found by the generated cycles: social worker Dean Walsh beside Kofi Walsh printed "Walsh" in Codes
    minutes. A professional stays named, with the word a subject's name has cut to its initial."""
    change(case_book, [("Contacts", "K01", "Name", "Dean Mensah")])  # Jamal Mensah is S02
    view = labels.View(read_network(case_book))
    said = view.text("Dean Mensah (SW) will call Jamal Mensah's mum")
    assert said == "Dean M. (SW) will call JMe's mum"
