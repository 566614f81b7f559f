"""The minutes, section by section: each a small function of the Meeting, in the order read out.

To add a section, write `def my_section(m: Meeting) -> list` and put it in SECTIONS.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from peermap_xl.contract import domain
from peermap_xl.draw import style as map_style
from peermap_xl.minutes import agenda, voice
from peermap_xl.minutes import incidents as incidents_minutes
from peermap_xl.minutes.blocks import Banner, Bullets, Heading, Para, Picture, Table
from peermap_xl.minutes.figure import figure_one
from peermap_xl.minutes.meeting import Meeting, date_text, rebuilt_text, title
from peermap_xl.record import incidents, labels, model
from peermap_xl.record.model import Network, rows

UPLOAD_DAYS = 14
_LIST_WIDTHS = (1.2, 4.4, 2.4, 2.4, 2.2, 2.0, 2.4)  # cm, on a 17 cm wide page; Status wide enough for "In progress"
NONE_RECORDED = "None recorded."
CONSIDER = "For the meeting to consider (suggested by peermap from the recorded links)"
#: The rules whose findings are prompts for the meeting, not findings about the record.
PROMPTS = ("consider-peer-assessment", "consider-context-assessment", "incidents-at-place", "key-individual",
           "bridge")  # in this order


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _or_none(items: list[str]) -> list[str]:
    return items or [NONE_RECORDED]


def record_errors(m: Meeting) -> list:
    if not m.errors:
        return []
    return [Banner("This record has errors: " + " ".join(f.message for f in m.errors)
                   + " Everyone recorded is shown; correct the workbook, check it, and write these minutes again.")]


def not_a_snapshot(m: Meeting) -> list:
    """Minutes of a session that kept no snapshot, written after the record moved on: said at the top."""
    return [Banner(rebuilt_text(m.rebuilt, m.day, m.anonymise))] if m.rebuilt else []


def meeting_details(m: Meeting) -> list:
    s, v = m.session, m.view
    closing = s["type"] in ("Review", "Closure")
    missing = "not recorded (add it on the Sessions sheet)" if closing else ""
    attendees = "; ".join(v.text(a) for a in model.split_list(s["attendees"]))
    return [Heading("Meeting details"), Table(None, [
        ["Date", date_text(s["date"])],
        ["Type", _text(s["type"])],
        ["Chair", v.text(s["chair"]) or missing],
        ["Attendees", (labels.WITHHELD if v.anonymise and attendees else attendees) or missing],
        ["Agencies", "; ".join(dict.fromkeys(v.text(a) for a in model.split_list(s["agencies"]))) or missing],
        ["Purpose of the map", v.text(m.network.settings["purpose"])],
    ], key_column=True)]


def the_network(m: Meeting) -> list:
    net, v = m.network, m.view
    blocks: list = [Heading("The network"), Bullets([line.strip() for line in model.summary(net)[1:]])]
    if net.settings["themes"]:
        blocks.append(Para("Themes: " + ", ".join(v.choice(t, "Themes") for t in net.settings["themes"]) + "."))
    high = [r for r in rows(net.active_subjects) if r["risk_level"] == "High"]
    concerns = [_about(m, r, f"{_text(r['type']).lower() or 'person'}, high risk", r["concerns"]) for r in high]
    concerns += [_about(m, r, "risky place", r["concerns"]) for r in rows(net.active_contexts)
                 if r["nature"] == "Risky"]
    strengths = [_about(m, r, None, r["strengths"]) for frame in (net.active_subjects, net.active_contexts)
                 for r in rows(frame) if isinstance(r["strengths"], str) or r.get("nature") == "Protective"]
    return blocks + [Para("Main concerns", bold=True), Bullets(_or_none(concerns)),
                     Para("Strengths", bold=True), Bullets(_or_none(strengths))]


def _about(m: Meeting, record: dict, what: str | None, text) -> str:
    said = m.view.text(text)
    return m.label(record["id"]) + (f" ({what})" if what else "") + (f": {said}" if said else "")


def the_map(m: Meeting) -> list:
    if not m.map_picture:
        return []
    caption = f"Map dated {m.day:%d/%m/%Y}. {map_style.LINK_WORDS} Key: see the legend."
    return [Picture(m.map_picture, caption, landscape=True, title="The map")]


def young_people(m: Meeting) -> list:
    blocks: list = [Heading("Young people (Figure 1)")]
    young = m.network.active_subjects
    recent = incidents.recent_by_record(m.network, m.day, m.anonymise)  # once, not once a young person
    for person in rows(young[young["type"] == "Young person"]):
        blocks.append(Heading(m.label(person["id"]), 2))
        matrix = figure_one(m.network, person["id"], m.anonymise, m.day, m.view, person)
        matrix["Recent incidents"] = recent.get(person["id"], [])
        blocks.append(Table(None, [[k, "\n".join(v) if v else NONE_RECORDED] for k, v in matrix.items()],
                            key_column=True))
    return blocks


def young_persons_view(m: Meeting) -> list:
    """The young person's own map (Appendix B) in words, beside the professionals' links."""
    return voice.sections(m.network, m.anonymise)


def incidents_section(m: Meeting) -> list:
    return incidents_minutes.section(m.network, m.day, m.anonymise)


def review_agenda(m: Meeting) -> list:
    """At a review, the team walks through each young person and place."""
    return agenda.blocks(m.network, m.session, m.anonymise) if m.session["type"] == "Review" else []


SUGGESTED = " (suggested by peermap from the record: for the meeting to agree)"


def information_gaps(m: Meeting) -> list:
    v = m.view
    gaps = m.network.open_questions
    lines, flagged = [], set()
    for i, gap in enumerate(rows(gaps)):
        overdue = pd.notna(gap["due"]) and gap["due"] < m.today
        if overdue:
            flagged.add(i)
        question = v.text(gap["question"]) + (SUGGESTED if gap["origin"] == "Suggested" else "")
        lines.append([gap["id"], question, m.refs(gap["about"]),
                      v.text(gap["assigned_to"]) or "NOBODY YET", v.text(gap["agency"]), date_text(gap["due"]),
                      "OVERDUE" if overdue else "Open"])
    return [Heading("Information gaps"),
            Table(["ID", "Question", "About", "Finding out", "Agency", "By", "Status"], lines, flagged,
                  widths=_LIST_WIDTHS) if lines else Para("No open questions.")]


def suggested_questions(m: Meeting) -> list:
    """The questions peermap suggested that the meeting has not yet agreed or dismissed: proposals, in a section
    of their own (none at a closure)."""
    waiting = [g for g in rows(m.network.gaps)
               if g["status"] == domain.QUESTION_SUGGESTED and isinstance(g["question"], str)]
    if not waiting or m.session["type"] == "Closure":
        return []
    lines = [[g["id"], m.view.text(g["question"]), m.refs(g["about"])] for g in waiting]
    return [Heading("Questions peermap suggests (not yet agreed)"),
            Para("peermap proposed these from the record; they are not the meeting's questions until it agrees "
                 "them. On Gaps, set each to Open with who finds out and by when, or to Dismissed."),
            Table(["ID", "Question", "About"], lines, widths=(1.5, 10.5, 5.0))]


def actions(m: Meeting) -> list:
    v = m.view
    lines, flagged = [], set()
    for i, action in enumerate(rows(m.network.actions)):
        open_ = domain.action_is_open(action["status"])
        overdue = open_ and pd.notna(action["due"]) and action["due"] < m.today
        if overdue:
            flagged.add(i)
        status = _text(action["status"]) or "Open"
        kind = v.choice(action["type"], "Action type")
        what = f"{kind} (details {labels.WITHHELD})" if v.anonymise and kind else v.text(action["action"]) or kind
        lines.append([action["id"], what,
                      m.refs(action["about"]), v.text(action["owner"]) or "NO OWNER", v.text(action["agency"]),
                      date_text(action["due"]) or "NO DATE", f"OVERDUE\n{status}" if overdue else status])
    return [Heading("Actions"),
            Table(["ID", "Action", "About", "Owner", "Agency", "Due", "Status"], lines, flagged,
                  widths=_LIST_WIDTHS) if lines else Para("No actions recorded.")]


def decisions(m: Meeting) -> list:
    """Only what the meeting recorded (Sessions: Decisions); at a closure, the Closure section gives them, once,
    as the reason for closing."""
    if m.session["type"] == "Closure":
        return []
    return [Heading("Decisions"), Para(m.view.text(m.session["decisions"]) or NONE_RECORDED)]


def for_consideration(m: Meeting) -> list:
    """peermap's own prompts, apart from the decisions, each with the recorded links behind it; none at a
    closure (there is nothing left to consider)."""
    if m.session["type"] == "Closure":
        return []
    found = sorted(m.findings_of(PROMPTS), key=lambda f: PROMPTS.index(f.rule))
    prompts = [_by_label(m, f) for f in found]  # assessments first, then what the links show about people
    return [Heading(CONSIDER), Para("These are not decisions: peermap suggests them from the links recorded. "
                                    "The meeting decides."),
            Bullets(prompts or ["Nothing: the recorded links do not meet peermap's thresholds "
                                "(see `peermap rules consider-peer-assessment`)."])]


def _by_label(m: Meeting, finding) -> str:
    """A prompt as the anonymised minutes' reader can use it: "YP1", not the workbook's "S01 YP1"."""
    if not m.anonymise or not finding.id:
        return finding.message
    return finding.message.replace(f"{finding.id} {m.label(finding.id)}", m.label(finding.id))


def closure(m: Meeting) -> list:
    """For the closure: why, and what the network left open (actions, questions, young people at high risk)."""
    if m.session["type"] != "Closure":
        return []
    v, net = m.view, m.network
    left = [f"Action {a['id']}: {v.text(a['action'])}" + (" (overdue)" if pd.notna(a["due"]) and a["due"] < m.today
                                                          else "") for a in rows(net.open_actions)]
    left += [f"Question {g['id']}: {v.text(g['question'])}" for g in rows(net.open_questions)]
    young = net.active_subjects
    left += [f"{m.label(r['id'])}: young person at high risk" for r in rows(young[young["type"] == "Young person"])
             if r["risk_level"] == "High"]
    unanswered = [f"Question {g['id']}: {v.text(g['question'])}" for g in rows(net.gaps)
                  if g["status"] == "Closed unanswered"]
    forced = bool(rows(net.open_actions) or rows(net.open_questions))
    return [Heading("Closure"), Para(f"Reason for closing: {v.text(m.session['decisions']) or 'not recorded'}"),
            Para("Left open at closure", bold=True),
            *([Para("The meeting closed the network with these still open (peermap close --force).")]
              if forced else []),
            Bullets(left or ["Nothing: every action and question was closed, and nobody was at high risk."]),
            *([Para("Questions closed unanswered", bold=True), Bullets(unanswered)] if unanswered else [])]


def what_changed(m: Meeting) -> list:
    heading = Heading("What changed since the last session")
    if m.changes:
        return [heading, Bullets(m.changes)]
    if m.changes is not None:
        return [heading, Para("Nothing changed since the last snapshot.")]
    if not m.earlier_sessions:
        return [heading, Para("This is the first session recorded: nothing to compare yet.")]
    return [heading, Para("No snapshot was kept before this session, so peermap cannot list what changed "
                          "(a snapshot is kept each time a session is recorded with peermap).")]


#: What the anonymised minutes are for, said where the full minutes say where to upload them.
SHARING = ("This is the anonymised version, for sharing beyond the core group: people and places are shown by "
           "codes (YP1, LOC1) and what the team typed is withheld. Do not upload it to a child's file (the full "
           "minutes go there). Send it by secure email only, with its marking, to those who need it for this "
           "network's safety planning.")


def sharing_note(m: Meeting) -> list:
    """At the top of the anonymised minutes: what they are for."""
    return [Para(SHARING, bold=True)] if m.anonymise else []


def next_review(m: Meeting) -> list:
    review = _next_review(m.network, m.session)
    upload_by = m.day + dt.timedelta(days=UPLOAD_DAYS)
    when = (f"Next review: {date_text(review)}, or sooner after any significant incident." if review is not None
            else _closed_words(m))
    if m.anonymise:
        return [Heading("Next review and sharing"), Para(when), Para(SHARING)]
    return [Heading("Next review and upload"), Para(when),
            Para(f"Upload these minutes and the map to the Mosaic file of every key subject by "
                 f"{upload_by:%d/%m/%Y} (within {UPLOAD_DAYS} days of the meeting), titled "
                 f"\u201c{title(m.network, m.anonymise)}\u201d.")]


def _closed_words(m: Meeting) -> str:
    when = m.network.settings.get("closed_on")
    closed = m.day if domain.blank(when) else pd.Timestamp(when).date()
    return f"No next review: the network is closed (closed on {closed:%d/%m/%Y})."


def _next_review(network: Network, session: dict):
    """The network's next review as this session left it (none after a closure)."""
    if session["type"] == "Closure":
        return None
    review = network.next_review(as_of_session=session["id"])
    return review.due if review else None


def narrative(m: Meeting) -> list:
    net, v = m.network, m.view
    if v.anonymise:
        return [Heading("Narrative"), Para(f"{labels.WITHHELD.capitalize()} in the anonymised version.")]
    notes = [_about(m, r, None, r["notes"]) for frame in (net.active_subjects, net.active_contexts)
             for r in rows(frame) if isinstance(r["notes"], str)]
    notes += [f"{r['id']} ({m.label(r['from_id'])} \u2013 {m.label(r['to_id'])}): {v.text(r['notes'])}"
              for r in rows(net.live_links) if isinstance(r["notes"], str)]
    summary = v.text(m.session["summary"])
    return ([Heading("Narrative")] + ([Para(summary)] if summary else [])
            + [Bullets(notes) if notes else Para("No further notes.")])


SECTIONS = [record_errors, not_a_snapshot, sharing_note, meeting_details, the_network, the_map, young_people,
            young_persons_view, incidents_section, review_agenda, information_gaps, suggested_questions, actions,
            decisions, for_consideration, closure, what_changed, next_review, narrative]


def content(network: Network, session_id: str | None = None, anonymise: bool = False,
            map_picture: Path | None = None, errors: list | None = None) -> list:
    """The minutes as blocks (headings, paragraphs, tables, the map), in order."""
    return render(Meeting(network, session_id, anonymise, map_picture, errors))


def render(m: Meeting) -> list:
    blocks: list = [Heading(title(m.network, m.anonymise), 0)]
    for section in SECTIONS:
        blocks += section(m)
    return m.view.blocks(blocks)  # every sentence, heading and cell through the names view
