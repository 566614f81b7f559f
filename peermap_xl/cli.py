"""The `peermap` command: the same operations as the workbook's buttons, on a file.

Exit codes: 0 done; 1 the data has errors; 2 unusable input (a one-line
reason, never a traceback); 3 peermap itself failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from peermap_xl import __version__
from peermap_xl.contract import domain
from peermap_xl.contract.errors import PeermapError, Refused


def cmd_new(args) -> int:
    """Start a new workbook from the template."""
    from peermap_xl.book import safe
    from peermap_xl.xlsm.template import template_bytes

    path = Path(args.book)
    if path.suffix.lower() != ".xlsm":
        raise PeermapError(f"{path.name}: give the new workbook a name ending in .xlsm "
                           "(it is macro-enabled, for the buttons).")
    safe.create_new(path, template_bytes())
    print(f"Created {path}. Open it in Excel and start on the Network sheet.")
    return 0


def cmd_demo(args) -> int:
    """Write the worked example (Male A and the City Road network), check it, map it, write its minutes; then
    record a review after dated changes, with its map of what changed and its minutes."""
    from peermap_xl import checks
    from peermap_xl.examples import city_road, write_example
    from peermap_xl.record import model
    from peermap_xl.record.reading import read_network

    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    path = write_example(folder / city_road.FILE_NAME, checked_as_of=city_road.AS_OF)
    network = read_network(path)
    print(f"Wrote the worked example: {path}")
    print("\n".join(model.summary(network)))
    print(f"\nChecks as of {city_road.AS_OF:%d/%m/%Y} (peermap check --as-of {city_road.AS_OF}), "
          "also written to its Checks sheet:")
    print("\n".join(checks.text_report(checks.run_checks(network, city_road.AS_OF))))
    from peermap_xl.draw import network_map
    from peermap_xl.operations import draw_ego, write_minutes

    young, _ = draw_ego(path, "Male A")  # dated by the direct work
    picture = folder / network_map.file_name(network, city_road.AS_OF, anonymise=False)
    print(f"\nDrew the network map (also on its Map sheet): {picture}")
    print(f"Drew Male A's own map (Appendix B): {young}")
    print(f"Wrote the minutes of the latest session: {write_minutes(path, keep_earlier=False)}")
    _demo_review(path)
    print("\nOpen the workbook in Excel to explore it. To start your own: peermap new \"My network.xlsm\"")
    return 0


def _demo_review(path: Path) -> None:
    """The demo's review: dated changes after the multi-agency session, then the review and its minutes."""
    from peermap_xl.examples import city_road, record_review
    from peermap_xl.operations import write_minutes

    review, picture = record_review(path)
    print(f"\nThen, dated up to {city_road.REVIEW_DAY:%d/%m/%Y}: Male J joins, Female C is removed, Male E's risk "
          f"rises, link L29 goes, and a significant incident (I05) at the estate park. Recorded review session "
          f"{review.session} on {review.day:%d/%m/%Y}, compared with the snapshot of session M02:")
    print("\n".join(f"  {line}" for line in review.changes or ()))
    print(f"Drew the map at the review (also on its Map sheet): {picture}")
    print(f"Drew what changed on the map since M02 (also on its Map changes sheet): {review.change_map}")
    print(f"Wrote the review's minutes (review agenda, the young person's view, what changed): "
          f"{write_minutes(path, review.session, keep_earlier=False)}")


def cmd_check(args) -> int:
    """Check the data: integrity, stale and anecdotal links, gaps, actions, timescales, decisions."""
    import json

    from peermap_xl import checks
    from peermap_xl.record.reading import read_network

    path = Path(args.book)
    as_of = args.as_of or domain.today()
    if args.write:
        from peermap_xl.book import safe
        from peermap_xl.contract.progress import terminal
        from peermap_xl.operations import check_book

        record, network = check_book(path, as_of, progress=terminal())
        findings = record.worded(network, args.anonymise)
    else:
        findings = checks.run_checks(read_network(path), as_of, anonymise=args.anonymise)
    if args.json:
        print(json.dumps([f.as_json() for f in findings], indent=2, ensure_ascii=False))
    else:
        print(f"Checks on {path.name} as of {as_of:%d/%m/%Y}")
        print("\n".join(checks.text_report(findings)))
        if args.write:
            print(f"Written to the Checks sheet and the Links' Flags; {suggestions_said(record)} The previous "
                  f"file is kept as {safe.backup_path(path).name}.")
    return 1 if any(f.severity == checks.ERROR for f in findings) else 0


def suggestions_said(record) -> str:
    """ "2 questions suggested on Gaps (Status Suggested: the meeting agrees or dismisses each); 1 withdrawn." """
    said = (f"{len(record.new_gaps)} question(s) suggested on Gaps (Status Suggested: the meeting agrees each, "
            "setting it Open with who finds out, or dismisses it)" if record.new_gaps
            else "no new questions suggested")
    return said + (f"; {len(record.withdrawn)} suggestion(s) withdrawn, no longer needed." if record.withdrawn
                   else ".")


def cmd_map(args) -> int:
    """Draw the network map: dated, with a legend, names as the Network sheet says."""
    from peermap_xl.contract.progress import terminal
    from peermap_xl.operations import cores, draw_map

    picture, drawn = draw_map(args.book, args.out, args.as_of, args.anonymise, args.write, progress=terminal(),
                              despite_errors=args.despite_errors, workers=cores(), layout_json=args.layout_json)
    pages = getattr(drawn, "pages", None)
    if pages:  # a large network: an overview of its groups, and a page for each beside it
        key = drawn.get("key")
        print(f"Drew the overview of {len(drawn.nodes)} groups: {picture}, and each group on a page of its own "
              f"beside it ({pages[0]['file']} ...)" + (f"; too many groups to name on it who links them: they "
                                                       f"are on its key ({', '.join(key)})" if key else ""))
    else:
        print(f"Drew the map of {len(drawn.nodes)} people and places and {len(drawn.edges)} links: {picture}")
    if args.write:
        print("Also put on the workbook's Map sheet; the previous file is kept as a backup.")
    return 0


def cmd_ego(args) -> int:
    """Draw a young person's own map (Appendix B) from the Direct work sheet."""
    from peermap_xl.operations import draw_ego

    picture, drawn = draw_ego(args.book, args.person, args.out, args.as_of, args.anonymise)
    print(f"Drew the young person's map with {len(drawn.peers)} peers: {picture}")
    return 0


def cmd_minutes(args) -> int:
    """Write the minutes of a session (the latest held by default) as a Word document."""
    from peermap_xl.contract.progress import terminal
    from peermap_xl.operations import cores, write_minutes

    kept: list = []
    document = write_minutes(args.book, args.session, args.out, args.anonymise, args.write, progress=terminal(),
                             despite_errors=args.despite_errors, workers=cores(), kept=kept)
    print(f"Wrote the minutes: {document}")
    for earlier in kept:
        print(f"The minutes written before for this session are kept, unchanged, as {earlier.name}.")
    if args.write:
        print("Also previewed on the workbook's Minutes sheet; the previous file is kept as a backup.")
    if args.anonymise:
        print("This anonymised version is for sharing beyond the core group: do not upload it to a child's file "
              "(the full minutes go there).")
    else:
        print("Upload them and the map to the Mosaic file of every key subject within 14 days of the meeting.")
    return 0


def cmd_invite(args) -> int:
    """Write the subject list for a session's invitees, and record the date it was sent."""
    from peermap_xl.operations import write_invite

    kept: list = []
    document = write_invite(args.book, args.session, args.date, args.out, args.anonymise, args.despite_errors,
                            kept=kept)
    print(f"Wrote the subject list: {document}")
    for earlier in kept:
        print(f"The list written before for this session is kept, unchanged, as {earlier.name}.")
    print("Send it by secure email at least 7 days before the session. 'Subject list sent' is filled in.")
    return 0


def _print_session(recorded) -> None:
    changes = recorded.changes
    if changes is None:
        print("No earlier snapshot to compare with: this is the first recorded on the History sheet.")
    elif not changes:
        print("Nothing changed since the last snapshot.")
    else:
        print("Changed since the last snapshot:")
        print("\n".join(f"  {line}" for line in changes))


def cmd_review(args) -> int:
    """Record a review session: a snapshot, what changed since the last one, the next review date."""
    from peermap_xl.operations import record_session

    recorded = record_session(args.book, "Review", _held_on(args.date, "review"), people=_attendance(args))
    print(f"Recorded review session {recorded.session} on the Sessions sheet, with a snapshot on History.")
    _remind_attendance(args, recorded.session, recorded.typed)
    if recorded.was_due:
        due = recorded.was_due
        print(f"This review was due on {due.due:%d/%m/%Y} ({due.reason()}).")
    _print_session(recorded)
    if recorded.change_map:
        print(f"Drew what changed on the map since the last snapshot: {recorded.change_map}")
    print(f"Next review: {recorded.next_review:%d/%m/%Y} (to agree another date, change Next review on session "
          f"{recorded.session}'s row). Update every outstanding action, and reassess each subject and context.")
    print(f"The review agenda (each person and place: what changed, what is open, the decision) is in "
          f"its minutes: peermap minutes \"{args.book}\" --session {recorded.session}")
    return 0


def cmd_close(args) -> int:
    """Close the network: Status Closed, a closure session, and the final minutes (all or nothing)."""
    from peermap_xl.operations import close_network, cores, open_text

    recorded, left, written = close_network(args.book, args.reason, _held_on(args.date, "closure"), args.force,
                                            _attendance(args),
                                            args.despite_errors, workers=cores())
    print(f"Closed the network: closure session {recorded.session}, Status Closed, the Checks sheet brought "
          f"up to date. Left open: {open_text(left)}.")
    _print_session(recorded)
    _remind_attendance(args, recorded.session, recorded.typed)
    print(f"Wrote the final minutes: {written}")
    return 0


def _held_on(day, what: str):
    """The day a meeting is recorded as held: today or before, never ahead (book a later one on Sessions)."""
    if day is not None and day > domain.today():
        raise PeermapError(f"A {what} is recorded on the day it is held, and {day:%d/%m/%Y} is still ahead. Book "
                           "it on the Sessions sheet (its date, and Status Booked), then record it on the day.")
    return day


def _attendance(args):
    from peermap_xl.operations import Attendance

    return Attendance(args.chair, args.attendees, args.agencies)


def _attendance_options(parser) -> None:
    """--chair, --attendees and --agencies: the session's Chair, Attendees and Agencies, for its minutes."""
    parser.add_argument("--chair", metavar="NAME", help="who chaired the meeting (the Sessions row's Chair)")
    parser.add_argument("--attendees", metavar="NAMES",
                        help='who attended, ";"-separated: "Amira Clarke; PC Dan Ross" (the row\'s Attendees)')
    parser.add_argument("--agencies", metavar="NAMES",
                        help='the agencies there, ";"-separated: "Hackney CSC; Met Police" (the row\'s Agencies)')


def _remind_attendance(args, session: str, typed: dict | None = None) -> None:
    """Say which of the chair, attendees and agencies neither the options nor the session's booked row gave."""
    typed = typed or {}
    asked = (("the chair", args.chair or typed.get("Chair")), ("the attendees", args.attendees or typed.get(
        "Attendees")), ("the agencies", args.agencies or typed.get("Agencies")))
    missing = [what for what, given in asked if not (given or "").strip()]
    if missing:
        listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        print(f"Not given: {listed}. Its minutes say \"not recorded\" until you add them on session "
              f"{session}'s row of the Sessions sheet (or give --chair, --attendees and --agencies next time).")


def cmd_due(args) -> int:
    """What is due next: sessions, subject lists, minutes, reviews, actions and questions, overdue first."""
    from peermap_xl.record import due
    from peermap_xl.record.reading import read_network

    print("\n".join(due.report(read_network(args.book), args.as_of or domain.today())))
    return 0


def cmd_rules(args) -> int:
    """List the checks: each rule's code, name, severity and why it matters."""
    import textwrap

    from peermap_xl.checks import RULES

    for r in RULES:
        if args.rule and args.rule not in (r.slug, r.code):
            continue
        print(f"{r.code}  {r.slug}  ({r.severity})")
        print(f"    {r.summary}.")
        print(textwrap.fill(r.explanation, width=88, initial_indent="    ", subsequent_indent="    "))
        print()
    return 0


def cmd_summary(args) -> int:
    """Read a workbook and say what it holds (counts only, no names)."""
    from peermap_xl.record import model
    from peermap_xl.record.reading import read_network

    print("\n".join(model.summary(read_network(args.book))))
    return 0


def cmd_find(args) -> int:
    """Across networks: is this young person or place already mapped elsewhere? Reads every peer map in a folder."""
    import json

    from peermap_xl import register
    from peermap_xl.book import safe
    from peermap_xl.contract.progress import terminal

    if args.write and not args.book:
        raise PeermapError("--write records matches in one workbook: name it with --book BOOK.")
    progress = None if args.json else terminal()
    if args.write:
        from peermap_xl.operations import find_book

        found, values, lacking = find_book(args.book, args.folder, args.min_score, progress=progress)
    else:
        found = register.find(args.folder, args.book, args.min_score, progress=progress)
    if args.out:
        register.write_report(found, args.out, args.anonymise)
    if args.json:
        print(json.dumps(register.as_json(found, args.anonymise), indent=2, ensure_ascii=False))
    else:
        print("\n".join(register.as_text(found, args.anonymise)))
        if args.out:
            print(f"Wrote the report: {args.out}")
        if args.write:
            print(f"Recorded in {Path(args.book).name}: {len(values)} 'Already mapped elsewhere' cell(s) filled, "
                  f"the findings on the Checks sheet. The previous file is kept as "
                  f"{safe.backup_path(Path(args.book)).name}.")
            for sheet in lacking:
                print(f"The {sheet} sheet has no 'Already mapped elsewhere' column: add it to the header row "
                      "to record its matches.")
    return 0


def _score(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score from 0 to 100")
    return value


#: The ways a date may be given on the command line: as people write them (04/11/2026 is 4 November) or ISO.
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_cli_date(text: str) -> dt.date:
    """A date given as dd/mm/yyyy (UK order: 04/11/2026 is 4 November 2026) or yyyy-mm-dd."""
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    from peermap_xl.contract.domain import month_first

    turned = month_first(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a date" + (f" read day first: is it {turned}?" if turned else "")
                                     + ": write it as dd/mm/yyyy (04/11/2026 is 4 November 2026) or yyyy-mm-dd "
                                     "(2026-11-04)")


def _date_option(sub, flag: str, what: str) -> None:
    sub.add_argument(flag, type=parse_cli_date, metavar="DATE", help=f"{what}: dd/mm/yyyy or yyyy-mm-dd")


DESPITE_ERRORS = ("write it even though the record has errors that could merge or leave out a person "
                  "(duplicate IDs, links to nobody or to two people): everyone is shown, under a warning banner")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peermap",
        description="Contextual Safeguarding peer group mapping on an Excel workbook.",
    )
    parser.add_argument("--version", action="version", version=f"peermap-xl {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, run, book: str | None = "the workbook (.xlsm or .xlsx)", **more):
        """A subcommand running `run`, documented by its docstring, on a BOOK unless `book` is None."""
        sub = commands.add_parser(name, help=run.__doc__, description=run.__doc__, **more)
        if book:
            sub.add_argument("book", metavar="BOOK", help=book)
        sub.set_defaults(run=run)
        return sub

    command("new", cmd_new, book="the new workbook, e.g. 'City Road.xlsm'")

    demo = command("demo", cmd_demo, book=None)
    demo.add_argument("--out", metavar="DIR", default="peermap-demo",
                      help="the folder to write into (default: ./peermap-demo)")

    check = command("check", cmd_check, epilog="Exit code 0: no errors; 1: the data has errors; 2: unusable input.")
    _date_option(check, "--as-of", "judge as of this date (default: today)")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.add_argument("--write", action="store_true",
                       help="record the findings in the workbook: the Checks sheet, the Links' Flags, "
                            "suggested questions on Gaps (the previous file is kept as a backup)")
    check.add_argument("--anonymise", action="store_true", help="name people and places by code (YP1, LOC1)")

    draw = command("map", cmd_map)
    draw.add_argument("--out", metavar="FILE", help="the picture: .png, .svg or .pdf (default: beside the workbook)")
    _date_option(draw, "--as-of", "the map's date (default: today)")
    draw.add_argument("--anonymise", action="store_true", help="codes (YP1, LOC1) and no free text, for sharing")
    draw.add_argument("--layout-json", metavar="FILE", help="also write what was drawn, for measuring readability")
    draw.add_argument("--despite-errors", action="store_true", help=DESPITE_ERRORS)
    draw.add_argument("--write", action="store_true",
                      help="also put the picture on the workbook's Map sheet (the previous file is kept as a backup)")

    ego = command("ego", cmd_ego)
    ego.add_argument("person", metavar="NAME", help="the young person, by ID or name (e.g. S01 or \"Male A\")")
    ego.add_argument("--out", metavar="FILE", help="the picture: .png, .svg or .pdf (default: beside the workbook)")
    _date_option(ego, "--as-of", "the map's date (default: today)")
    ego.add_argument("--anonymise", action="store_true", help="no names and no notes, for sharing")

    minutes = command("minutes", cmd_minutes)
    minutes.add_argument("--session", metavar="ID", help="the session, e.g. M02 (default: the latest held)")
    minutes.add_argument("--out", metavar="FILE.docx", help="the document (default: beside the workbook)")
    minutes.add_argument("--anonymise", action="store_true", help="codes (YP1, LOC1) and no free text, for sharing")
    minutes.add_argument("--write", action="store_true", help="also preview them on the workbook's Minutes sheet")
    minutes.add_argument("--despite-errors", action="store_true", help=DESPITE_ERRORS)

    invite = command("invite", cmd_invite)
    invite.add_argument("--session", metavar="ID", help="the session, e.g. M03 (default: the next to hold)")
    _date_option(invite, "--date", "the day it is sent (default: today)")
    invite.add_argument("--out", metavar="FILE.docx", help="the document (default: beside the workbook)")
    invite.add_argument("--anonymise", action="store_true", help="codes (YP1, LOC1) and no free text")
    invite.add_argument("--despite-errors", action="store_true", help=DESPITE_ERRORS)

    review = command("review", cmd_review)
    _date_option(review, "--date", "the review's date (default: today)")
    _attendance_options(review)

    close = command("close", cmd_close)
    _date_option(close, "--date", "the closure's date (default: today)")
    close.add_argument("--reason", metavar="TEXT", help='why: "risk reduced", "young people moved", or your words')
    close.add_argument("--force", action="store_true", help="close even though actions or questions are open")
    close.add_argument("--despite-errors", action="store_true", help=DESPITE_ERRORS)
    _attendance_options(close)

    due = command("due", cmd_due)
    _date_option(due, "--as-of", "what is due as of this date (default: today)")

    rules = command("rules", cmd_rules, book=None)
    rules.add_argument("rule", nargs="?", metavar="RULE", help="one rule, by slug or code (e.g. stale-link)")

    command("summary", cmd_summary)

    find = command("find", cmd_find, book=None,
                   epilog="Nothing is kept between runs: every run reads the folder afresh.")
    find.add_argument("folder", metavar="FOLDER", help="the folder holding the team's peer maps (searched with "
                                                       "its subfolders)")
    find.add_argument("--book", metavar="BOOK", help="only the matches for this workbook's people and places")
    find.add_argument("--json", action="store_true", help="print the report as JSON")
    from peermap_xl.register import DEFAULT_MIN_SCORE

    find.add_argument("--min-score", type=_score, default=DEFAULT_MIN_SCORE, metavar="N",
                      help=f"report matches scoring at least N of 100 (default: {DEFAULT_MIN_SCORE})")
    find.add_argument("--write", action="store_true",
                      help="with --book: fill its 'Already mapped elsewhere' column and record the check "
                           "(a finding already-mapped for each match); the previous file is kept as a backup")
    find.add_argument("--out", metavar="FILE.xlsx", help="also write the report as an Excel workbook")
    find.add_argument("--anonymise", action="store_true", help="counts and codes only (N1 YP2), for sharing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except Refused as exc:  # the record is not ready (nothing changed): exit 1
        print(f"peermap: {exc}", file=sys.stderr)
        return 1
    except PeermapError as exc:
        print(f"peermap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("peermap: stopped. The workbook is whole: as it was, or fully saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output went to a program that stopped reading (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("PEERMAP_DEBUG"):
            raise
        # The exception's text may quote the workbook's data: name only its type.
        print(f"peermap: peermap itself failed ({type(exc).__name__}). The workbook is whole: as it was, "
              "or fully saved. Run again with PEERMAP_DEBUG=1 set to see the details for support.",
              file=sys.stderr)
        return 3


#: What a command imports, loaded before it runs (see `run`): reading a workbook, drawing, writing Word files.
_READING = ("peermap_xl.checks.gate", "peermap_xl.operations", "peermap_xl.book.file")  # reading needs no openpyxl
_SAVING = ("openpyxl",)  # what a command that writes into the workbook (--write) loads it with
_DRAWING = (*_READING, *_SAVING, "peermap_xl.draw.overview")
_WRITING = (*_DRAWING, "docx", "peermap_xl.minutes")
_NEEDS = {"check": _READING, "summary": _READING, "due": _READING, "find": _READING,
          "invite": (*_READING, *_SAVING, "docx", "peermap_xl.minutes"),
          "map": _DRAWING, "ego": _DRAWING, "minutes": _WRITING, "review": _WRITING, "close": _WRITING,
          "demo": _WRITING}


def run() -> int:
    """The `peermap` command as a user runs it: `main` on the command line's words, with what the command
    needs imported first, settled (see `settle`)."""
    argv = sys.argv[1:]
    settle(needs(argv))
    return main(argv)


def needs(argv: list[str]) -> tuple[str, ...]:
    """The modules the command in `argv` imports (none for a command not listed, or none given)."""
    name = next((word for word in argv if not word.startswith("-")), None)
    found = _NEEDS.get(name, ())
    return (*found, *_SAVING) if found and "--write" in argv and _SAVING[0] not in found else found


def settle(modules: tuple[str, ...]) -> None:
    """Import `modules` with Python's collector of cyclic garbage paused, then freeze what exists: imported
    modules live as long as the command, so the collector need not walk them again and again (a tenth to a
    quarter of a second of a meeting-sized map or minutes). Garbage made later is collected as usual. For a
    command process only: what is frozen is never collected."""
    import gc
    import importlib

    gc.disable()
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        gc.freeze()
        gc.enable()


if __name__ == "__main__":
    sys.exit(run())
