"""Minutes read back with python-docx; the anonymised version holds nothing personal; reviews report changes."""

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import change, need_tool, run_peermap
from peermap_xl import minutes
from peermap_xl.examples import city_road
from peermap_xl.operations import record_session, write_minutes
from peermap_xl.record import history, labels, model
from peermap_xl.record.reading import read_network

D = dt.date
SECTIONS = ["Meeting details", "The network", "The map", "Young people (Figure 1)", "The young person's view",
            "Incidents", "Information gaps", "Actions", "Decisions", minutes.CONSIDER,
            "What changed since the last session", "Next review and upload", "Narrative"]


@pytest.fixture(scope="module")
def minutes_doc(tmp_path_factory, example_book):
    folder = tmp_path_factory.mktemp("minutes")
    path = write_minutes(example_book, out=folder / "minutes.docx")
    return path, docx.Document(str(path))


def test_the_minutes_have_their_title_marking_and_sections(minutes_doc):
    path, document = minutes_doc
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0].text == "Peer Mapping Minutes Peer Network \u2013 County line to Plymouth"
    assert paragraphs[0].style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTIONS
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = section.footer.paragraphs[0]._p.xml
    assert "OFFICIAL-SENSITIVE" in footer and "PAGE" in footer and "NUMPAGES" in footer
    assert len(document.inline_shapes) == 1  # the map
    assert document.core_properties.title == paragraphs[0].text and document.core_properties.author == ""
    text = "\n".join(p.text for p in paragraphs)
    assert "Next review: 16/12/2026" in text
    alt_text = document.inline_shapes[0]._inline.docPr.get("descr")
    assert alt_text.startswith("Map dated 16/09/2026")
    assert "by 30/09/2026 (within 14 days of the meeting)" in text
    assert "Consider a peer assessment" in text and "Consider a context assessment" in text


def test_the_file_is_named_as_design_says(example_book, tmp_path):
    copy = Path(shutil.copy(example_book, tmp_path / "book.xlsm"))
    result = run_peermap("minutes", copy, "--session", "M01")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-09-03.docx").exists()


def figure_one_table(document, name):
    """The table right after the heading `name`."""
    blocks = list(document.iter_inner_content())
    for i, block in enumerate(blocks):
        if isinstance(block, docx.text.paragraph.Paragraph) and block.text == name:
            return next(b for b in blocks[i + 1:] if isinstance(b, docx.table.Table))
    raise AssertionError(name)


def expected_figure_one():
    """Male A's Figure 1, worked out by hand from the example's own records."""
    records = city_road.RECORDS
    subjects = {r["ID"]: r for r in records["Subjects"]}
    contexts = {r["ID"]: r for r in records["Contexts"]}
    names = {**{i: r["Name"] for i, r in subjects.items()}, **{i: r["Name"] for i, r in contexts.items()},
             "Male B": "Male B"}
    ids = {"Male B": "S03"}
    stale_on = D(2026, 9, 16) - dt.timedelta(days=90)
    places, peers, linked, link_ids = [], [], {"S01"}, set()
    for link in records["Links"]:
        a, b = ids.get(link["From"], link["From"]), ids.get(link["To"], link["To"])
        if "S01" not in (a, b):  # Male H (S14) too: removed on 20/09, on the network at the session (16/09)
            continue
        other = b if a == "S01" else a
        seen = link["Last seen"] or link["First recorded"]
        nature = (link["Nature"].lower() + ("; anecdotal" if link["Evidence"] == "Anecdotal" else "")
                  + ("; stale" if seen < stale_on else ""))
        entry = f"{names[other]} \u2013 {link['Relationship'].lower()} ({nature})"
        (places if other.startswith("C") else peers).append(entry)
        linked.add(other)
        link_ids.add(link["ID"])
    worker = subjects["S01"]["Allocated worker"]
    contacts = [f"{worker} (allocated worker)"]  # once: not again as a key contact
    places_linked = {i for i in linked if i.startswith("C")}
    for contact in records["Contacts"]:
        held = set(contact["For"].split("; "))
        if ("S01" in held or held & places_linked) and contact["Name"] != worker:
            contacts.append(f"{contact['Name']} ({contact['Role']}, {contact['Agency']})")
    # about Male A, a place he is linked to, or a link he is part of: not his peers' own questions
    questions = [f"{g['ID']}: {g['Question']}" for g in records["Gaps"]
                 if g["Status"] == "Open" and set(g["About"].split("; ")) & ({"S01"} | places_linked | link_ids)]
    concerns = [c.strip() for c in subjects["S01"]["Concerns"].split(";")]
    own = [r for r in records["Direct work"] if r["Young person"] == "Male A" and r["Date"] <= D(2026, 9, 16)]
    view = ["Would help if in trouble: " + ", ".join(r["Peer"] for r in own if r["Would help if in trouble"] == "Yes")]
    view += [f"Strategy: {r['Strategy']}" for r in own if r["Strategy"]]
    return [concerns, places, peers, contacts, questions] + ([view] if own else [])


def test_male_a_has_the_figure_1_matrix_of_the_guidance(minutes_doc):
    _, document = minutes_doc
    table = figure_one_table(document, "Male A")
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    expected = expected_figure_one()  # his direct work is dated 20/09: after the session, not in its minutes
    assert [r[0] for r in rows] == ["Current concerns - vulnerabilities", "Current linked contexts",
                                    "Linked peers / peer group", "Key contacts", "Key questions",
                                    "The young person's own view", "Recent incidents"][:len(expected)] + [
        "Recent incidents"]
    assert [r[1].split("\n") for r in rows[:-1]] == expected
    assert rows[-1][1].split("\n") == [  # up to the session (16/09/2026), newest first; I03 and I04 are not his
        "I02 30/08/2026, missing episode, at 123 City Road: Male A missing overnight; found at 123 City Road the "
        "next morning",
        "I01 22/08/2026, arrest, at Plymouth house (significant): Male A and Male C arrested at the Plymouth house "
        "for possession with intent to supply"]


def test_overdue_questions_and_actions_are_marked(minutes_doc, book):
    _, on_the_day = minutes_doc  # nothing was overdue on 16/09/2026
    assert not any("FFC7CE" in t._tbl.xml for t in on_the_day.tables)
    record_session(book, "Review", D(2026, 10, 1))
    document = docx.Document(str(write_minutes(book)))
    rows = {row.cells[0].text: [c.text for c in row.cells] for t in document.tables for row in t.rows}
    assert rows["G01"][-1] == "OVERDUE" and rows["A07"][-1] == "OVERDUE\nOpen" and rows["A04"][-1] == "Open"
    shaded = [row for t in document.tables for row in t.rows if "FFC7CE" in row._tr.xml]
    assert {row.cells[0].text for row in shaded} == {"G01", "G03", "A01", "A07"}


def secrets(net) -> set[str]:
    """Every name, initial, address and free-text note the workbook holds."""
    found = set()
    frames = {"Subjects": ("name", "concerns", "strengths", "notes", "allocated_worker", "status_reason"),
              "Contexts": ("name", "address_or_area", "concerns", "strengths", "notes"),
              "Links": ("notes", "source", "where_seen", "seen_by"),
              "Contacts": ("name", "email", "phone", "notes"),
              "Gaps": ("question", "answer", "assigned_to"), "Actions": ("action", "outcome", "owner"),
              "Sessions": ("chair", "attendees", "summary", "decisions"),
              "Direct work": ("peer", "notes", "strategy")}
    for sheet, columns in frames.items():
        for column in columns:
            found |= {v for v in net.frames[sheet][column] if isinstance(v, str)}
    for value in list(found):
        found |= set(model.split_list(value))
    found |= {labels.initials(v) for v in net.subjects["name"] if isinstance(v, str)}
    found |= {net.settings["network_name"], net.settings["key_contextual_risks"], net.settings["purpose"]}
    jobs = {v for column in ("role", "agency") for v in net.contacts[column] if isinstance(v, str)}
    vocabulary = {v for values in net.lists.values() for v in values}  # the drop-downs' words name nobody
    vocabulary |= {v for frame in (net.subjects, net.contexts) for v in frame["borough"] if isinstance(v, str)}
    return {s for s in found if s} - jobs - vocabulary - {"Hackney", "Online", "Police", "School", "Youth hub"}


def test_anonymised_minutes_hold_nothing_personal_anywhere(tmp_path, example_book):
    path = write_minutes(example_book, out=tmp_path / "anon.docx", anonymise=True)
    with zipfile.ZipFile(path) as package:
        xml = "\n".join(package.read(n).decode("utf-8", "replace") for n in package.namelist()
                        if n.endswith((".xml", ".rels")))
    text = " ".join(re.findall(r">([^<>]+)<", xml))
    assert "YP1" in text and "OFFICIAL-SENSITIVE" in text and "anonymised" in text
    for secret in secrets(read_network(example_book)):
        if len(secret) <= 3:
            assert not re.search(rf"\b{re.escape(secret)}\b", text), secret
        else:
            assert secret not in xml, secret


@pytest.mark.libreoffice
def test_libreoffice_turns_the_minutes_into_pages(minutes_doc, tmp_path, soffice):
    path, _ = minutes_doc
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180)
    pdf = tmp_path / (path.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    pdftoppm = need_tool("pdftoppm")
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4


def test_write_previews_the_minutes_on_the_minutes_sheet(book):
    assert run_peermap("minutes", book, "--write").returncode == 0
    ws = openpyxl.load_workbook(book)["Minutes"]
    column = [c.value for c in ws["A"] if c.value]
    assert column[0] == "Peer Mapping Minutes Peer Network \u2013 County line to Plymouth"
    for heading in SECTIONS:
        assert heading in column, heading
    assert "Current linked contexts" in column


# --- the meeting cycle ------------------------------------------------------------


def test_a_review_reports_exactly_the_changes_made(book):
    first = record_session(book, "Review", D(2026, 10, 1))
    assert first.session == "M03" and first.changes is None
    assert first.next_review == D(2026, 12, 16)  # held early: the date M02 agreed stands
    change(book, [
        ("Subjects", "S15", "Status", "Removed"),  # the unknown female leaves
        ("Subjects", 1, "ID", "S16"), ("Subjects", 1, "Name", "Male J"), ("Subjects", 1, "Type", "Young person"),
        ("Links", 1, "ID", "L31"), ("Links", 1, "From", "S16"), ("Links", 1, "To", "S01"),
        ("Links", 1, "Relationship", "Friend"),
        ("Links", "L09", "Status", "Historic"),  # Male A no longer attends the youth hub
        ("Links", "L07", "Strength", "Strong"),  # Male A - Female A: moderate to strong
        ("Links", "L21", "Strength", "Weak"),  # Male D - Male E: strong to weak
        ("Actions", "A07", "Status", "Done"),
    ])
    second = record_session(book, "Review", D(2026, 10, 1))
    assert second.changes == [
        "Added: Male J (person)",
        "Removed: Unknown female (person)",
        "Strengthened: L07 (Male A \u2013 Female A), moderate to strong",
        "Link gone: L09 (Male A \u2013 Youth hub)",
        "Weakened: L21 (Male D \u2013 Male E), strong to weak",
        "Link gone: L28 (Unknown female \u2013 Plymouth house)",
        "New link: L31 (Male J \u2013 Male A), friend",
        "Action completed: A07",
    ]


def test_a_review_of_an_unchanged_workbook_reports_nothing(book):
    record_session(book, "Review", D(2026, 10, 1))
    assert record_session(book, "Review", D(2026, 10, 1)).changes == []
    result = run_peermap("review", book, "--date", "2026-10-01")
    assert result.returncode == 0 and "Nothing changed since the last snapshot." in result.stdout
    assert "Next review: 16/12/2026" in result.stdout


def test_history_survives_an_openpyxl_save_and_feeds_the_minutes(book):
    record_session(book, "Review", D(2026, 10, 1))
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb.save(book)
    net = read_network(book)
    assert set(net.history["session"]) == {"M03"}
    assert len(net.history) == 15 + 6 + 30 + 7
    assert net.sessions["id"].tolist()[-1] == "M03"
    change(book, [("Actions", "A07", "Status", "Done")])
    net = read_network(book)
    session = net.sessions[net.sessions["id"] == "M03"].to_dict("records")[0]
    assert history.changes_for(net, session) is None  # M03's minutes use M03's own snapshot: nothing before it
    later = {**session, "id": "M04", "date": session["date"] + dt.timedelta(days=1)}  # no snapshot yet: now
    assert history.changes_for(net, later) == ["Action completed: A07"]


def test_closing_records_the_closure_and_writes_the_final_minutes(book):
    result = run_peermap("close", book, "--date", "2026-10-01", "--reason", "risk reduced", "--force")
    assert result.returncode == 0, result.stderr
    net = read_network(book)
    assert net.settings["status"] == "Closed" and net.settings["closed_on"] == D(2026, 10, 1)
    assert net.sessions.iloc[-1]["type"] == "Closure"
    assert (book.parent / "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-10-01.docx").exists()
    ahead = run_peermap("review", book, "--date", "2026-10-02")  # a meeting is recorded on its day, not before
    assert ahead.returncode == 2 and "still ahead" in ahead.stderr
    checks = run_peermap("check", book, "--as-of", "2027-06-01", "--json").stdout
    assert "review-overdue" not in checks


def test_the_subject_list_for_invitees(book):
    result = run_peermap("invite", book, "--session", "M02", "--date", "2026-09-08")
    assert result.returncode == 0, result.stderr
    path = book.with_name("Peer Mapping Subject List Peer Network - County line to Plymouth - 2026-09-16.docx")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Peer mapping session on 16/09/2026: subjects to research" in text
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    [who] = [t for t in document.tables if [c.text for c in t.rows[0].cells] == ["Name", "Role", "Agency"]]
    invited = {row.cells[0].text for row in who.rows[1:]}
    assert invited == {c["Name"] for c in city_road.RECORDS["Contacts"] if "Multi-agency" in c["Invite to"]}
    listed = {row.cells[0].text for t in document.tables if t is not who for row in t.rows[1:]}
    active = {r["Name"] for r in city_road.RECORDS["Subjects"] if r["Status"] != "Removed"}
    assert active | {r["Name"] for r in city_road.RECORDS["Contexts"]} <= listed and "Male H" not in listed
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "Devon and Cornwall Police" in text and "What is the address in Plymouth and have any other arrests " \
        "been made?" in cells
    sessions = read_network(book).sessions.set_index("id")
    assert sessions.loc["M02", "subject_list_sent"].date() == D(2026, 9, 8)


def test_the_anonymised_subject_list_names_nobody(book):
    assert run_peermap("invite", book, "--anonymise", "--out", book.with_name("list.docx")).returncode == 0
    with zipfile.ZipFile(book.with_name("list.docx")) as package:
        xml = "\n".join(package.read(n).decode("utf-8", "replace") for n in package.namelist() if n.endswith(".xml"))
    for secret in secrets(read_network(book)):
        if len(secret) > 3:
            assert secret not in xml, secret


def test_questions_peermap_suggested_are_marked_as_such_in_the_minutes(book, tmp_path):
    from peermap_xl.minutes.sections import SUGGESTED
    from peermap_xl.operations import check_book

    check_book(book, D(2026, 10, 1))  # suggests questions on Gaps (Origin and Status: Suggested)
    record_session(book, "Review", D(2026, 10, 1))  # a session that knew them (16/09's minutes leave them out)
    net = read_network(book)
    suggested = set(net.gaps["id"][net.gaps["origin"] == "Suggested"])
    assert suggested
    tables = tables_by_heading(minutes.content(net, None))
    assert set(tables["Questions peermap suggests (not yet agreed)"]) == suggested  # proposals, apart
    assert not suggested & set(tables["Information gaps"])
    agreed = sorted(suggested)[0]
    change(book, [("Gaps", agreed, "Status", "Open")])  # the meeting takes one up
    tables = tables_by_heading(minutes.content(read_network(book), None))
    assert tables["Information gaps"][agreed].endswith(SUGGESTED)
    assert agreed not in tables["Questions peermap suggests (not yet agreed)"]


def tables_by_heading(blocks) -> dict[str, dict]:
    """{heading: {first cell: second cell}} of the tables under each heading of the minutes."""
    out: dict[str, dict] = {}
    heading = None
    for b in blocks:
        if isinstance(b, minutes.Heading):
            heading = b.text
        elif isinstance(b, minutes.Table):
            out.setdefault(heading, {}).update({r[0]: r[1] for r in b.rows if len(r) > 1})
    return out


def test_the_allocated_worker_who_is_also_a_contact_is_listed_once():
    from peermap_xl.minutes import figure
    from test_checks import A, B, network

    a = {**A, "Allocated worker": "Priya Nair (SW)"}
    contacts = ({"ID": "K01", "Name": "priya  nair", "Role": "Social worker", "Agency": "CSC", "For": "S01"},
                {"ID": "K02", "Name": "PC Jones", "Role": "Police", "Agency": "Met", "For": "S01"})
    net = network(subjects=(a, B), contacts=contacts)
    person = model.rows(net.subjects)[0]
    assert figure._contacts(net, labels.View(net), person, set()) == ["Priya Nair (SW) (allocated worker)",
                                                                        "PC Jones (Police, Met)"]
