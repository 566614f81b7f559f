"""The meeting cycle as a state machine: the commands a team runs and the edits it makes between meetings.

Commands run in-process through `peermap_xl.cli.main(argv)`, always with the date given (--as-of / --date):
the cycle's own clock, which only moves forward. Edits are typed into the workbook as Excel would keep them
(conftest.change), and into `self.case`, the record the harness expects to read back. After every step each
invariant of the registry (invariants.py) runs on what the step did.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from conftest import change
from peermap_xl.contract import schema

from . import invariants as inv
from . import strategies as gen

#: How many files LibreOffice opens in a cycle (the first docx or workbook a step writes), and in all.
LIBREOFFICE_PER_CYCLE = 1
LIBREOFFICE_BUDGET = {"left": 2}
WRITES = ("check", "map", "minutes")


def run_main(argv: list[str]) -> tuple[int, str, str]:
    """`peermap ARGV` in this process: (exit code, stdout, stderr)."""
    from peermap_xl.cli import main

    out, err = io.StringIO(), io.StringIO()
    # PEERMAP_DEBUG lets an unexpected exception out of main (which would print only its type, exit 3): the
    # harness catches it, and the failure shows where it came from. Exit 3 fails the step either way.
    os.environ["PEERMAP_DEBUG"] = "1"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse
            rc = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - the harness reports what escaped main
            import traceback

            rc, _ = 3, err.write("Traceback (escaped main)\n" + "".join(traceback.format_exception(exc)))
        finally:
            os.environ.pop("PEERMAP_DEBUG", None)
    return rc, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def today_is(day: dt.date):
    """peermap's today (PEERMAP_TODAY) set to `day` for one command."""
    from peermap_xl.contract.domain import TODAY_VARIABLE

    was = os.environ.get(TODAY_VARIABLE)
    os.environ[TODAY_VARIABLE] = day.isoformat()
    try:
        yield
    finally:
        if was is None:
            os.environ.pop(TODAY_VARIABLE, None)
        else:
            os.environ[TODAY_VARIABLE] = was


class MeetingCycle(RuleBasedStateMachine):
    """One network from its first session to closure, and past it."""

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="cycle-"))
        self.steps = 0

    def teardown(self):
        shutil.rmtree(self.folder.parent if self.folder.name == "case" else self.folder, ignore_errors=True)

    # --- the network and the clock ---------------------------------------------------------------------

    @initialize(case=gen.cases(), private=st.booleans())
    def start(self, case, private):
        root = self.folder
        self.folder = root / "case"
        self.folder.mkdir()
        self.book = gen.write_case(self.folder / "Network.xlsm", case)
        if private:
            self.book.chmod(0o600)
        self.case = case
        self.today = max([case.start, *(r["Date"] for r in case.rows["Sessions"])])
        left = min(LIBREOFFICE_PER_CYCLE, LIBREOFFICE_BUDGET["left"])
        LIBREOFFICE_BUDGET["left"] -= left
        self.cycle = inv.Cycle(self.folder, self.book, libreoffice_left=left)

    @property
    def names_mode(self) -> str:
        return self.case.network.get("Names on outputs") or "Initials"

    def date(self) -> str:
        return self.today.isoformat()

    def run(self, name: str, argv: list[str], repeat: bool = False) -> inv.Step:
        """Run a command, check every invariant on what it did; run it again at once when `repeat`."""
        step = self._step(name, argv)
        inv.check_step(step)
        if repeat and step.rc in (0, 1) and not step.refused:
            cells = inv.workbook_cells(self.book)
            again = self._step(name, argv, repeat=True)
            again.cells_before, again.cells_after = cells, inv.workbook_cells(self.book)
            inv.check_step(again)
        return step

    def _step(self, name: str, argv: list[str], repeat: bool = False) -> inv.Step:
        before = inv.folder_state(self.folder)
        mode = self.names_mode
        with today_is(self.today):  # the cycle's clock is peermap's today too (minutes, snapshots, defaults)
            rc, out, err = run_main(argv)
        self.steps += 1
        step = inv.Step(name, [str(a) for a in argv], rc, out, err, before, inv.folder_state(self.folder),
                        self.case, self.today, self.cycle, mode, repeat)
        self._adopt(step)
        if os.environ.get("PEERMAP_CYCLES_TRACE"):
            print(f"  {self.today} {name} rc={rc} wrote={step.changed} {err.strip()[-200:]}")
        return step

    def edit(self, name: str, edits: list) -> None:
        """Type `edits` ((sheet, record, header, value), as conftest.change takes them) into the workbook, then
        check every invariant."""
        before = inv.folder_state(self.folder)
        change(self.book, edits)
        if os.environ.get("PEERMAP_CYCLES_TRACE"):
            print(f"  {self.today} edit: {name}")
        inv.check_step(inv.Step(name, None, None, "", "", before, inv.folder_state(self.folder), self.case,
                                self.today, self.cycle, self.names_mode))

    def _adopt(self, step: inv.Step) -> None:
        """What peermap adds to the record (sessions it records, questions it suggests) becomes the record's."""
        if step.refused or step.rc is None:
            return
        net = step.network
        for sheet, frame in (("Sessions", net.sessions), ("Gaps", net.gaps)):
            known = {r["ID"]: r for r in self.case.rows[sheet]}
            for r in frame.to_dict("records"):
                if r["id"] not in known and r["id"]:
                    row = {"ID": r["id"], "Status": r.get("status"), "Question": r.get("question"),
                           "_peermap": True}
                    if sheet == "Sessions":
                        row = {"ID": r["id"], "Date": r["date"].date(), "Type": r["type"]}
                    self.case.rows[sheet].append(row)
                elif sheet == "Gaps" and known[r["id"]].get("_peermap") and known[r["id"]]["Status"] == "Suggested":
                    # peermap's own proposal, not yet taken up: peermap may reword or withdraw it
                    known[r["id"]].update({k.title(): (v if isinstance(v, str) else None)
                                           for k, v in ((k, r.get(k)) for k in ("status", "question", "answer"))})
        if net.settings.closed and self.cycle.closed_on is None and step.command == "close":
            self.cycle.closed_on = self.today
        if step.rc == 0 and step.command == "review":  # a review booked for today is the one recorded
            self._recorded_held(lambda r: r["Date"] == self.today and r["Type"] == "Review", first=True)
        if step.rc == 0 and step.command == "minutes" and "--write" in step.argv:
            session = step.argv[step.argv.index("--session") + 1]
            self._recorded_held(lambda r: r["ID"] == session and r["Date"] <= self.today)

    def _recorded_held(self, which, first: bool = False) -> None:
        """peermap marks Held a booked session it records (its minutes written, its review recorded)."""
        for row in self.case.rows["Sessions"]:
            if row.get("Status") == "Booked" and not row.get("_cancelled") and which(row):
                row["Status"] = "Held"
                if first:
                    return

    # --- the commands a team runs ----------------------------------------------------------------------

    @rule(anonymise=st.booleans(), repeat=st.booleans())
    def check_write(self, anonymise, repeat):
        self.run("check --write", ["check", self.book, "--write", "--as-of", self.date()]
                 + (["--anonymise"] if anonymise else []), repeat)

    @rule(json_out=st.booleans())
    def check(self, json_out):
        self.run("check", ["check", self.book, "--as-of", self.date()] + (["--json"] if json_out else []))

    @rule(write=st.booleans(), anonymise=st.booleans(), repeat=st.booleans(), despite=st.booleans())
    def map(self, write, anonymise, repeat, despite):
        layout = self.folder / f"layout {self.steps}.json"
        self.run("map", ["map", self.book, "--as-of", self.date(), "--layout-json", layout]
                 + (["--write"] if write else []) + (["--anonymise"] if anonymise else [])
                 + (["--despite-errors"] if despite else []), write and repeat)

    @precondition(lambda self: self.case.rows["Direct work"])
    @rule(data=st.data(), anonymise=st.booleans())
    def ego(self, data, anonymise):
        who = data.draw(st.sampled_from(sorted({r["Young person"] for r in self.case.rows["Direct work"]})))
        self.run("ego", ["ego", self.book, who.rsplit("(", 1)[-1].rstrip(")"), "--as-of", self.date()]
                 + (["--anonymise"] if anonymise else []))

    def _session(self, data, held: bool = True) -> str | None:
        rows = [r for r in self.case.rows["Sessions"] if not r.get("_cancelled") and (r["Date"] <= self.today
                                                                                        or not held)]
        return data.draw(st.sampled_from([r["ID"] for r in rows])) if rows else None

    @precondition(lambda self: self.case.rows["Sessions"])
    @rule(data=st.data(), write=st.booleans(), anonymise=st.booleans(), repeat=st.booleans())
    def minutes(self, data, write, anonymise, repeat):
        session = self._session(data)
        if session is None:
            return
        step = self.run("minutes", ["minutes", self.book, "--session", session] + (["--write"] if write else [])
                        + (["--anonymise"] if anonymise else []), write and repeat)
        if write and step.rc == 0:
            self.cycle.minutes_written.add(session)

    @precondition(lambda self: self.case.rows["Sessions"])
    @rule(data=st.data(), anonymise=st.booleans())
    def invite(self, data, anonymise):
        session = self._session(data, held=False)
        if session is not None:
            self.run("invite", ["invite", self.book, "--session", session, "--date", self.date()]
                     + (["--anonymise"] if anonymise else []))

    @rule()
    def review(self):
        self.run("review", ["review", self.book, "--date", self.date(), "--chair", "Amira Clarke",
                            "--attendees", "Amira Clarke; Priya Nair", "--agencies", "Hackney CSC"])

    @rule(force=st.booleans(), despite=st.booleans())
    def close(self, force, despite):
        self.run("close", ["close", self.book, "--date", self.date(), "--reason", "Risks reduced"]
                 + (["--force"] if force else []) + (["--despite-errors"] if despite else []))

    @rule(write=st.booleans())
    def find(self, write):
        self.run("find", ["find", self.folder, "--book", self.book] + (["--write"] if write else []))

    # --- what a team changes between meetings ---------------------------------------------------------

    @rule(days=st.integers(1, 45))
    def time_passes(self, days):
        self.today += dt.timedelta(days=days)

    @rule(data=st.data())
    def add_person(self, data):
        rid = self.case.next_id(schema.SUBJECTS)
        who = data.draw(gen.person(rid, {p.name for p in self.case.people.values()}))
        self.case.people[rid] = who
        row = gen.fill_row(data.draw, self.case, schema.SUBJECTS, gen.subject_row(data.draw, self.case, who))
        self.case.rows["Subjects"].append(row)
        self.edit("add a person", [("Subjects", 1, h, v) for h, v in gen.typed(row).items()])

    def _people(self, kind=None) -> list[str]:
        return sorted(r["ID"] for r in self.case.rows["Subjects"] if r.get("Status") != "Removed"
                      and (kind is None or r["Type"] == kind))

    @precondition(lambda self: self._people())
    @rule(data=st.data())
    def rename_person(self, data):
        rid = data.draw(st.sampled_from(self._people()))
        who = self.case.people[rid]
        new = data.draw(gen.person(rid, {p.name for p in self.case.people.values()}))
        self._rename(rid, new.name, who.type, new)
        self.edit("rename a person", [("Subjects", rid, "Name", new.name)])

    @precondition(lambda self: self._people("Unknown"))
    @rule(data=st.data())
    def identify_unknown(self, data):
        rid = data.draw(st.sampled_from(self._people("Unknown")))
        first, last = data.draw(st.sampled_from(gen.FIRST)), data.draw(st.sampled_from(gen.LAST))
        if any(p.name == f"{first} {last}" for p in self.case.people.values()):
            return
        self._rename(rid, f"{first} {last}", "Adult", gen.Person(rid, f"{first} {last}", "Adult", first, last))
        self.edit("identify an unknown", [("Subjects", rid, "Name", f"{first} {last}"), ("Subjects", rid, "Type",
                                                                                          "Adult")])

    def _rename(self, rid: str, name: str, kind: str, new: gen.Person) -> None:
        old = self.case.people[rid]
        new.earlier = [*old.earlier, old.name]
        new.known_as = old.known_as + new.known_as
        new.type = kind
        self.case.people[rid] = new
        row = self.case.row("Subjects", rid)
        row.update(Name=name, Type=kind)
        for link in self.case.rows["Links"]:  # a link typed by the old name now names nobody, as typed
            if old.name in (link["From"], link["To"]):
                link["_typo"] = True

    @precondition(lambda self: len(self._people()) > 2)
    @rule(data=st.data())
    def remove_person(self, data):
        rid = data.draw(st.sampled_from(self._people()))
        self.case.row("Subjects", rid).update({"Status": "Removed", "Status date": self.today})
        self.edit("remove a person", [("Subjects", rid, "Status", "Removed"), ("Subjects", rid, "Status date",
                                                                               self.today),
                                      ("Subjects", rid, "Status reason", "Moved out of the area")])

    @rule(data=st.data())
    def add_link(self, data):
        link = gen.link_row(data.draw, self.case, on=self.today)
        if link:
            self.case.rows["Links"].append(link)
            self.edit("add a link", [("Links", 1, h, v) for h, v in gen.typed(link).items()])

    @precondition(lambda self: any(r.get("Status") == "Current" for r in self.case.rows["Links"]))
    @rule(data=st.data())
    def mark_link_historic(self, data):
        rid = data.draw(st.sampled_from([r["ID"] for r in self.case.rows["Links"] if r.get("Status") == "Current"]))
        self.case.row("Links", rid)["Status"] = "Historic"
        self.edit("mark a link Historic", [("Links", rid, "Status", "Historic")])

    @precondition(lambda self: any(r.get("_typo") for r in self.case.rows["Links"]))
    @rule(data=st.data())
    def correct_a_link(self, data):
        link = data.draw(st.sampled_from([r for r in self.case.rows["Links"] if r.get("_typo")]))
        ends = {h: f"{self.case.name_of(link[k])} ({link[k]})" for h, k in (("From", "_from"), ("To", "_to"))}
        link.update(ends, _typo=False)
        self.edit("correct a link", [("Links", link["ID"], h, v) for h, v in ends.items()])

    @rule(data=st.data(), ahead=st.integers(7, 35))
    def book_session(self, data, ahead):
        rid = self.case.next_id(schema.SESSIONS)
        kind = data.draw(st.sampled_from(schema.LISTS["Session type"][:3]))
        row = {"ID": rid, "Date": self.today + dt.timedelta(days=ahead), "Type": kind, "Chair": "Amira Clarke",
               **gen.session_status("booked")}
        self.case.rows["Sessions"].append(row)
        self.edit("book a session", [("Sessions", 1, h, v) for h, v in gen.typed(row).items()])

    def _booked(self) -> list[dict]:
        return [r for r in self.case.rows["Sessions"] if r["Date"] > self.today and not r.get("_cancelled")]

    @precondition(lambda self: self._booked())
    @rule()
    def hold_session(self):
        session = min(self._booked(), key=lambda r: r["Date"])
        self.today = session["Date"]
        held = gen.session_status("held")
        session.update(held)
        self.edit("hold a session", [("Sessions", session["ID"], h, v) for h, v in held.items()]
                  + [("Sessions", session["ID"], "Attendees", "Amira Clarke; PC Dan Ross")])

    @precondition(lambda self: self._booked())
    @rule(data=st.data())
    def cancel_session(self, data):
        session = data.draw(st.sampled_from(self._booked()))
        session["_cancelled"] = True
        cancelled = gen.session_status("cancelled")
        if cancelled:
            self.edit("cancel a session", [("Sessions", session["ID"], h, v) for h, v in cancelled.items()])
        else:  # no status on Sessions yet: the team clears the row
            self.case.rows["Sessions"].remove(session)
            self.edit("cancel a session", [("Sessions", session["ID"], c.header, None)
                                           for c in schema.SESSIONS.columns if c.kind != schema.FORMULA])

    @rule(data=st.data())
    def add_incident(self, data):
        row = gen.incident_row(data.draw, self.case, self.case.next_id(schema.INCIDENTS), self.today)
        self.case.rows["Incidents"].append(row)
        self.edit("add an incident", [("Incidents", 1, h, v) for h, v in gen.typed(row).items()])

    @precondition(lambda self: any(r.get("Status") == "Open" for r in self.case.rows["Gaps"]))
    @rule(data=st.data())
    def answer_question(self, data):
        gap = data.draw(st.sampled_from([r for r in self.case.rows["Gaps"] if r.get("Status") == "Open"]))
        answer = gen.mention(data.draw, self.case) or "Confirmed by police"
        gap.update(Status="Answered", Answer=answer)
        self.edit("answer a question", [("Gaps", gap["ID"], "Status", "Answered"), ("Gaps", gap["ID"], "Answer",
                                                                                    answer)])

    @precondition(lambda self: any(r.get("Status") in ("Open", "In progress") for r in self.case.rows["Actions"]))
    @rule(data=st.data())
    def complete_action(self, data):
        action = data.draw(st.sampled_from([r for r in self.case.rows["Actions"]
                                            if r.get("Status") in ("Open", "In progress")]))
        outcome = gen.mention(data.draw, self.case) or "Arrested 12/11, bailed"
        action.update(Status="Done", Outcome=outcome)
        self.edit("complete an action", [("Actions", action["ID"], "Status", "Done"),
                                         ("Actions", action["ID"], "Outcome", outcome)])

    @precondition(lambda self: self._people("Young person"))
    @rule(data=st.data())
    def direct_work(self, data):
        """A worker does a young person's own map with them (Appendix B)."""
        young = data.draw(st.sampled_from(self._people("Young person")))
        rows = [{**r, "Date": self.today} for r in gen.direct_work_rows(data.draw, self.case, young)]
        self.case.rows["Direct work"].extend(rows)
        self.edit("direct work", [("Direct work", i, h, v) for i, r in enumerate(rows, 1)
                                  for h, v in gen.typed(r).items()])

    @rule(mode=st.sampled_from(schema.LISTS["Names on outputs"]))
    def change_names_on_outputs(self, mode):
        self.case.network["Names on outputs"] = mode
        self.edit("change Names on outputs", [("Network", "names_on_outputs", "Value", mode)])

    @rule()
    def plant_a_link(self):
        """Someone leaves a symbolic link where today's map will be written (issue 30)."""
        from peermap_xl.draw import network_map
        from peermap_xl.record.reading import read_network

        target = self.folder / network_map.file_name(read_network(self.book), self.today, False)
        if target.exists() or target.is_symlink():
            return
        decoy = self.folder.parent / f"decoy {len(self.cycle.decoys)}.txt"
        decoy.write_text("not a map\n")
        target.symlink_to(decoy)
        self.cycle.decoys[decoy] = inv.hashlib.sha256(decoy.read_bytes()).hexdigest()
