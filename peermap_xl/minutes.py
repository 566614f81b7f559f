"""The minutes of a mapping session: one content, two renderings (a .docx and the Minutes sheet).

`content` gathers what the guidance asks minutes to hold: the meeting, the
network, the map, Figure 1 for each young person, questions and actions,
decisions, what changed, the next review and the upload reminder, and the
narrative the map leaves out. With `anonymise`, people and places are codes and
no free text from the workbook is used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from peermap_xl import domain, labels, model
from peermap_xl.draw import style as map_style
from peermap_xl.errors import PeermapError
from peermap_xl.model import Network, rows

UPLOAD_DAYS = 14
_LIST_WIDTHS = (1.4, 4.5, 2.5, 2.5, 2.2, 2.3, 1.6)  # cm, on a 17 cm wide page
WITHHELD = "withheld in the anonymised version"
FIGURE_ONE_ROWS = ("Current concerns - vulnerabilities", "Current linked contexts", "Linked peers / peer group",
                   "Key contacts", "Key questions")


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    bold: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str] | None
    rows: list[list[str]]
    flagged: set[int] = field(default_factory=set)  # rows to mark (overdue)
    key_column: bool = False  # the first column names the row (a two-column matrix)
    widths: tuple[float, ...] | None = None  # centimetres; None: a name column and a wide one


@dataclass
class Picture:
    path: Path
    caption: str


def title(network: Network, anonymise: bool) -> str:
    risks = "anonymised" if anonymise else (network.settings["key_contextual_risks"] or "key risks not recorded")
    return f"Peer Mapping Minutes Peer Network \u2013 {risks}"


def file_name(network: Network, session_date: dt.date, anonymise: bool) -> str:
    """ "Peer Mapping Minutes Peer Network - County line to Plymouth - 2026-09-16.docx" (DESIGN.md)."""
    risks = "anonymised" if anonymise else (network.settings["key_contextual_risks"] or "network")
    safe = "".join(c for c in str(risks) if c not in '<>:"/\\|?*').strip()
    return f"Peer Mapping Minutes Peer Network - {safe} - {session_date:%Y-%m-%d}.docx"


def pick_session(network: Network, session_id: str | None) -> dict:
    """The session asked for, or the latest by date."""
    sessions = network.sessions.dropna(subset=["date"]).sort_values(["date", "row"])
    if session_id:
        chosen = sessions[sessions["id"] == model.normalise_id(session_id)]
        if not len(chosen):
            raise PeermapError(f"There is no session {session_id} with a date on the Sessions sheet.")
        return rows(chosen)[0]
    if not len(sessions):
        raise PeermapError("There are no sessions with a date on the Sessions sheet yet. Record the meeting "
                           "there (date and type) first.")
    return rows(sessions)[-1]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _date(value) -> str:
    return f"{value:%d/%m/%Y}" if value is not None and pd.notna(value) else ""


class _Writer:
    """What the content builders share: the network, its labels, and the session's date."""

    def __init__(self, network: Network, session: dict, anonymise: bool):
        self.network = network
        self.session = session
        self.anonymise = anonymise
        self.label = labels.labeller(network, anonymise)
        self.day = session["date"].date()
        self.today = pd.Timestamp(self.day)

    def free(self, value) -> str:
        """Free text from the workbook, or nothing in the anonymised version."""
        return "" if self.anonymise else _text(value)

    def refs(self, references) -> str:
        """ "S02; C01" -> "Unknown adult male, 123 City Road" (labels, or the link IDs)."""
        out = []
        for ref in references:
            ids = self.network.resolve(ref)
            out.append(self.label(ids[0]) if len(ids) == 1 else (str(ref) if not self.anonymise else "?"))
        return ", ".join(out)


def figure_one(network: Network, person_id: str, anonymise: bool = False, on: dt.date | None = None) -> dict:
    """The Figure 1 matrix for one young person: {row title: [entries]}."""
    label = labels.labeller(network, anonymise)
    subjects = network.subjects.set_index("id")
    person = subjects.loc[person_id]
    links = network.live_links
    mine = links[(links["from_id"] == person_id) | (links["to_id"] == person_id)]
    places, peers, linked_ids = [], [], {person_id}
    context_ids = set(network.contexts["id"])
    today = pd.Timestamp(on or dt.date.today())
    for link in rows(mine):
        other = link["to_id"] if link["from_id"] == person_id else link["from_id"]
        linked_ids.add(other)
        how = link["relationship"].lower() if isinstance(link["relationship"], str) else "linked"
        nature = link["nature"].lower() if isinstance(link["nature"], str) else "nature not known"
        if network.is_stale(link, today):
            nature += "; stale"
        (places if other in context_ids else peers).append(f"{label(other)} \u2013 {how} ({nature})")
    linked_places = {i for i in linked_ids if i in context_ids}
    contacts = []
    worker = person["allocated_worker"] if isinstance(person["allocated_worker"], str) else None
    listed = []
    for contact in rows(network.contacts):
        held = {rid for ref in contact["for"] for rid in network.resolve(ref)}
        if person_id in held or held & linked_places:
            listed.append(contact)
    if worker and not any(_text(c["name"]).casefold() == worker.casefold() for c in listed):
        contacts.append("Allocated worker" if anonymise else f"{worker} (allocated worker)")
    for contact in listed:
        role = ", ".join(p for p in (_text(contact["role"]), _text(contact["agency"])) if p)
        if anonymise:
            contacts.append(role or "a key contact")
        else:
            contacts.append(f"{contact['name']} ({role})" if role else _text(contact["name"]))
    link_ids = set(mine["id"])
    questions = []
    for gap in rows(network.open_questions):
        about = {rid for ref in gap["about"] for rid in network.resolve(ref)}
        about |= {model.normalise_id(ref) for ref in gap["about"]} & link_ids
        if about & (linked_ids | link_ids):
            questions.append(gap["id"] if anonymise else gap["question"])
    concerns = [] if anonymise else list(model.split_list(person["concerns"]))
    return dict(zip(FIGURE_ONE_ROWS, (concerns, places, peers, contacts, questions)))


def content(network: Network, session_id: str | None = None, anonymise: bool = False,
            map_picture: Path | None = None, changes: list[str] | None = None) -> list:
    """The minutes as blocks (headings, paragraphs, tables, the map), in order."""
    from peermap_xl import checks

    session = pick_session(network, session_id)
    w = _Writer(network, session, anonymise)
    s = network.settings
    blocks: list = [Heading(title(network, anonymise), 0)]

    blocks.append(Heading("Meeting details"))
    blocks.append(Table(None, [
        ["Date", _date(session["date"])],
        ["Type", _text(session["type"])],
        ["Chair", WITHHELD if anonymise else _text(session["chair"])],
        ["Attendees", WITHHELD if anonymise else "; ".join(model.split_list(session["attendees"]))],
        ["Agencies", "; ".join(model.split_list(session["agencies"]))],
        ["Purpose of the map", WITHHELD if anonymise else _text(s["purpose"])],
    ], key_column=True))

    blocks.append(Heading("The network"))
    blocks.append(Bullets([line.strip() for line in model.summary(network)[1:]]))
    if s["themes"]:
        blocks.append(Para("Themes: " + ", ".join(s["themes"]) + "."))
    young = network.active_subjects
    high = [r for r in rows(young) if r["risk_level"] == "High"]
    concerns = [f"{w.label(r['id'])} ({r['type'].lower() if isinstance(r['type'], str) else 'person'}, high risk)"
                + (f": {r['concerns']}" if w.free(r["concerns"]) else "") for r in high]
    concerns += [f"{w.label(r['id'])} (risky place)" + (f": {r['concerns']}" if w.free(r["concerns"]) else "")
                 for r in rows(network.active_contexts) if r["nature"] == "Risky"]
    blocks += [Para("Main concerns", bold=True), Bullets(concerns or ["None recorded."])]
    strengths = [f"{w.label(r['id'])}" + (f": {r['strengths']}" if w.free(r["strengths"]) else "")
                 for frame in (young, network.active_contexts) for r in rows(frame)
                 if isinstance(r["strengths"], str) or r.get("nature") == "Protective"]
    blocks += [Para("Strengths", bold=True), Bullets(strengths or ["None recorded."])]

    if map_picture:
        blocks.append(Heading("The map"))
        blocks.append(Picture(map_picture, f"Map dated {w.day:%d/%m/%Y}. {map_style.LINK_WORDS} Key: see the legend."))

    blocks.append(Heading("Young people (Figure 1)"))
    for person in rows(young[young["type"] == "Young person"]):
        blocks.append(Heading(w.label(person["id"]), 2))
        matrix = figure_one(network, person["id"], anonymise, w.day)
        blocks.append(Table(None, [[k, "\n".join(v) if v else "None recorded."] for k, v in matrix.items()],
                            key_column=True))

    blocks.append(Heading("Information gaps"))
    gaps = network.open_questions
    gap_rows, flagged = [], set()
    for i, gap in enumerate(rows(gaps)):
        overdue = pd.notna(gap["due"]) and gap["due"] < w.today
        if overdue:
            flagged.add(i)
        gap_rows.append([gap["id"], w.free(gap["question"]) or f"about {w.refs(gap['about'])}",
                         w.refs(gap["about"]), "" if anonymise else _text(gap["assigned_to"]) or "NOBODY YET",
                         _text(gap["agency"]), _date(gap["due"]), "OVERDUE" if overdue else "Open"])
    blocks.append(Table(["ID", "Question", "About", "Finding out", "Agency", "By", "Status"], gap_rows, flagged,
                        widths=_LIST_WIDTHS) if gap_rows else Para("No open questions."))

    blocks.append(Heading("Actions"))
    action_rows, flagged = [], set()
    for i, action in enumerate(rows(network.actions)):
        open_ = domain.action_is_open(action["status"])
        overdue = open_ and pd.notna(action["due"]) and action["due"] < w.today
        if overdue:
            flagged.add(i)
        action_rows.append([action["id"], w.free(action["action"]) or _text(action["type"]), w.refs(action["about"]),
                            "" if anonymise else _text(action["owner"]) or "NO OWNER", _text(action["agency"]),
                            _date(action["due"]) or "NO DATE",
                            ("OVERDUE: " if overdue else "") + (_text(action["status"]) or "Open")])
    blocks.append(Table(["ID", "Action", "About", "Owner", "Agency", "Due", "Status"], action_rows, flagged,
                        widths=_LIST_WIDTHS) if action_rows else Para("No actions recorded."))

    blocks.append(Heading("Decisions"))
    if w.free(session["decisions"]):
        blocks.append(Para(session["decisions"]))
    found = checks.run_checks(network, w.day, anonymise)
    advice = [f.message for f in found if f.rule in ("consider-peer-assessment", "consider-context-assessment")]
    blocks.append(Bullets(advice or ["The map does not meet peermap's thresholds for a peer or context assessment "
                                     "(see `peermap rules consider-peer-assessment`)."]))

    blocks.append(Heading("What changed since the last session"))
    blocks.append(Bullets(changes) if changes else Para("This is the first session recorded: nothing to compare yet."))

    blocks.append(Heading("Next review and upload"))
    review = network.next_review(as_of_session=session["id"]).due
    upload_by = w.day + dt.timedelta(days=UPLOAD_DAYS)
    blocks.append(Para(f"Next review: {_date(review)}, or sooner after any significant incident."))
    blocks.append(Para(f"Upload these minutes and the map to the Mosaic file of every key subject by "
                       f"{upload_by:%d/%m/%Y} (within {UPLOAD_DAYS} days of the meeting), titled "
                       f"\u201c{title(network, anonymise)}\u201d."))

    if not anonymise:
        notes = []
        for frame in (network.active_subjects, network.active_contexts):
            notes += [f"{w.label(r['id'])}: {r['notes']}" for r in rows(frame) if isinstance(r["notes"], str)]
        notes += [f"{r['id']} ({w.label(r['from_id'])} \u2013 {w.label(r['to_id'])}): {r['notes']}"
                  for r in rows(network.live_links) if isinstance(r["notes"], str)]
        blocks.append(Heading("Narrative"))
        if isinstance(session["summary"], str):
            blocks.append(Para(session["summary"]))
        blocks.append(Bullets(notes) if notes else Para("No further notes."))
    return blocks


# --- the .docx ---------------------------------------------------------------

_RED = "C00000"
_BLUE = "1F4E78"


def to_docx(blocks: list, path: Path, marking: str, when: dt.date, doc_title: str) -> None:
    """Write the blocks as a Word document, with the marking and page numbers on every page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10.5)

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(marking)
    run.bold, run.font.color.rgb = True, RGBColor.from_string(_RED)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(f"{marking}    Page ")
    run.bold, run.font.color.rgb = True, RGBColor.from_string(_RED)
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    for block in blocks:
        if isinstance(block, Heading):
            heading = doc.add_heading(block.text, block.level)
            for r in heading.runs:
                r.font.color.rgb = RGBColor.from_string(_BLUE)
        elif isinstance(block, Para):
            doc.add_paragraph().add_run(block.text).bold = block.bold
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Picture):
            doc.add_picture(str(block.path), width=Cm(17))
            doc.inline_shapes[-1]._inline.docPr.set("name", "Peer network map")
            doc.inline_shapes[-1]._inline.docPr.set("descr", block.caption)
            caption = doc.add_paragraph(block.caption)
            caption.runs[0].italic = True

    props = doc.core_properties
    props.title, props.subject = doc_title, "Peer mapping minutes"
    props.author, props.last_modified_by, props.comments, props.category = "", "", "", ""
    props.keywords = marking
    moment = dt.datetime.combine(when, dt.time())
    props.created, props.modified, props.last_printed, props.revision = moment, moment, moment, 1
    doc.save(str(path))


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _table(doc, block: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    columns = len(block.header or block.rows[0])
    table = doc.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.autofit = False
    widths = block.widths or ((5.0, 12.0) if columns == 2 else (17.0 / columns,) * columns)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # the grid, which LibreOffice follows; the cells below, which Word follows
    lines = ([block.header] if block.header else []) + block.rows
    for i, values in enumerate(lines):
        cells = table.add_row().cells
        for j, value in enumerate(values):
            cells[j].text = str(value)
            cells[j].width = Cm(widths[j])
            bold = (block.header and i == 0) or (block.key_column and j == 0)
            for paragraph in cells[j].paragraphs:
                for r in paragraph.runs:
                    r.bold = bool(bold)
                    r.font.size = Pt(9)
            row_index = i - (1 if block.header else 0)
            if row_index in block.flagged:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:fill"), "FFC7CE")
                cells[j]._tc.get_or_add_tcPr().append(shade)
    doc.add_paragraph()


# --- the Minutes sheet: the document laid out on a grid -----------------------------------------

#: The preview's columns (characters): wide enough for the 7-column tables, about an A4 landscape page.
PREVIEW_WIDTHS = (8.0, 30.0, 20.0, 22.0, 20.0, 14.0, 16.0)
_LINE_POINTS = 15.0  # one line of 11-point text
_KEY_SPAN = 2  # a two-column table's first column (the name of the row) spans A:B, its text C:G


def to_rows(blocks: list) -> list:
    """The blocks as the Minutes sheet shows them: plan Lines with their styles, merged cells and heights.

    Headings are styled, paragraphs and bullets run across the page, wrapped, and tables keep their
    columns (a two-column table gets a shaded first column); each row is as tall as its longest text.
    """
    out: list = []
    for block in blocks:
        if isinstance(block, Heading):
            if out:
                out.append(_spacer())
            out.append(_across(block.text, "title" if block.level == 0 else "heading" if block.level == 1
                               else "subheading"))
        elif isinstance(block, Para):
            out.append(_across(block.text, "key" if block.bold else "text"))
        elif isinstance(block, Bullets):
            out += [_across("\u2022 " + item, "text") for item in block.items]
        elif isinstance(block, Table):
            out += _table_lines(block)
        elif isinstance(block, Picture):
            out.append(_across(block.caption + " The map itself is on the Map sheet.", "note"))
    return out


def _spacer():
    from peermap_xl.book.plan import Line

    return Line((), "text", height=8.0)


def _across(text: str, style: str):
    """One text over the whole width of the page."""
    return _line([text], [len(PREVIEW_WIDTHS)], style)


def _table_lines(table: Table) -> list:
    columns = len(table.header or (table.rows[0] if table.rows else []))
    if columns == 2:
        spans = [_KEY_SPAN, len(PREVIEW_WIDTHS) - _KEY_SPAN]
    else:
        spans = [1] * (columns - 1) + [len(PREVIEW_WIDTHS) - columns + 1]
    lines = [_line(table.header, spans, "header")] if table.header else []
    for i, row in enumerate(table.rows):
        cells = list(row) + [""] * (len(spans) - len(row))
        if len(row) == 1:  # a table's single line ("nothing recorded yet")
            cells, row_spans = list(row), [len(PREVIEW_WIDTHS)]
        else:
            row_spans = spans
        style = "flagged" if i in table.flagged else "keyed" if columns == 2 else "text"
        lines.append(_line(cells, row_spans, style))
    return lines


def _line(texts: list, spans: list[int], style: str):
    """A Line with each text at the start of its span, the spans merged, and room for the longest text."""
    from peermap_xl.book.plan import Line

    values, merges, lines_needed, column = [], [], 1, 1
    for text, span in zip(texts, spans):
        values += [text] + [None] * (span - 1)
        if span > 1:
            merges.append((column, column + span - 1))
        chars = sum(PREVIEW_WIDTHS[column - 1:column - 1 + span]) * (0.75 if style in ("title", "heading") else 1.0)
        lines_needed = max(lines_needed, _lines_for(str(text or ""), chars))
        column += span
    scale = {"title": 1.6, "heading": 1.3, "subheading": 1.1}.get(style, 1.0)
    return Line(tuple(values), style, merges=tuple(merges), height=round(lines_needed * _LINE_POINTS * scale + 3, 1))


def _lines_for(text: str, chars: float) -> int:
    """How many lines `text` wraps to in a cell `chars` characters wide (a little pessimistic)."""
    import math

    fit = max(1, int(chars * 1.1))  # proportional text: a little more than one character a unit of width
    return sum(max(1, math.ceil(len(part) / fit)) for part in text.split("\n"))


# --- the pre-meeting pack ------------------------------------------------------

INVITE_FOR = {"Internal mapping": "Internal", "Multi-agency mapping": "Multi-agency", "Review": "Review",
              "Closure": "Review"}


def invite_file_name(network: Network, session_date: dt.date, anonymise: bool) -> str:
    return file_name(network, session_date, anonymise).replace("Peer Mapping Minutes", "Peer Mapping Subject List")


def invite_content(network: Network, session_id: str | None = None, anonymise: bool = False) -> list:
    """The subject list for invitees: who is invited, the subjects and places to research, questions per agency."""
    session = pick_session(network, session_id)
    w = _Writer(network, session, anonymise)
    kind = INVITE_FOR.get(session["type"], "Review")
    invited = [c for c in rows(network.contacts) if kind in c["invite_to"]]
    blocks: list = [Heading(f"Peer mapping session on {w.day:%d/%m/%Y}: subjects to research", 0)]
    blocks.append(Para(f"You are invited to the {_text(session['type']).lower() or 'mapping'} session on "
                       f"{w.day:%d/%m/%Y}. Please research the people and places below in your agency's records, "
                       "and bring what you know, and what you do not, to the session. Reply by secure email only."))
    blocks.append(Heading("Who is invited"))
    blocks.append(Table(["Role", "Agency"] if anonymise else ["Name", "Role", "Agency"],
                        [([] if anonymise else [_text(c["name"])]) + [_text(c["role"]), _text(c["agency"])]
                         for c in invited] or [["Nobody is marked to invite yet (Contacts: Invite to)."]
                                               + [""] * (1 if anonymise else 2)]))
    blocks.append(Heading("People to research"))
    blocks.append(Table(["Who", "Type", "Borough"],
                        [[w.label(r["id"]), _text(r["type"]), _text(r["borough"])]
                         for r in rows(network.active_subjects)]))
    blocks.append(Heading("Places to research"))
    blocks.append(Table(["Where", "Type", "Area"],
                        [[w.label(r["id"]), _text(r["type"]), w.free(r["address_or_area"])]
                         for r in rows(network.active_contexts)]))
    blocks.append(Heading("Questions for each agency"))
    agencies = sorted({_text(c["agency"]) for c in invited if _text(c["agency"])})
    open_gaps = rows(network.open_questions)
    for agency in agencies:
        names = {_text(c["name"]).casefold() for c in invited if _text(c["agency"]) == agency}
        held = [ref for c in invited if _text(c["agency"]) == agency for ref in c["for"]]
        asks = [g for g in open_gaps if _text(g["agency"]) == agency or _text(g["assigned_to"]).casefold() in names]
        blocks.append(Heading(agency, 2))
        blocks.append(Para(f"You hold information on: {w.refs(held) or 'nobody recorded yet'}."))
        blocks.append(Bullets([f"{g['id']}: " + (w.free(g["question"]) or f"about {w.refs(g['about'])}")
                               for g in asks] or ["No open questions assigned to your agency yet."]))
    return blocks
