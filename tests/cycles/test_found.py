"""Failures the generated meeting cycle (test_cycles.py) found, each kept as the plain steps it shrank to."""

from __future__ import annotations

import datetime as dt

from conftest import change
from peermap_xl.contract import schema
from peermap_xl.draw import network_map
from peermap_xl.examples.city_road import AS_OF
from peermap_xl.record.reading import read_network

from . import invariants as inv
from . import strategies as gen
from .machine import run_main, today_is


def test_a_link_planted_where_the_map_goes_is_refused_not_followed(book, tmp_path):
    """Found: plant_a_link; map -> exit 3 (the PNG was written through the link into a .txt: ValueError)."""
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("not a map\n")
    target = book.parent / network_map.file_name(read_network(book), AS_OF, False)
    target.symlink_to(decoy)
    before = inv.folder_state(book.parent)
    rc, out, err = run_main(["map", book, "--as-of", AS_OF.isoformat(), "--write"])
    assert rc == 2, err
    assert "symbolic link" in err and "Traceback" not in err
    assert decoy.read_text() == "not a map\n"
    assert inv.folder_state(book.parent) == before  # the workbook unchanged, no output, the link as it was


def test_closing_a_network_with_no_actions_writes_its_final_minutes(tmp_path):
    """Found: a network with no actions (its History's Due column typed as dates), closed with --force ->
    exit 3 (pandas cannot map an empty column of dates, minutes.meeting restoring the snapshot)."""
    people = {"S01": gen.Person("S01", "Kai Thompson", "Young person", "Kai", "Thompson"),
              "S02": gen.Person("S02", "Leah Osei", "Young person", "Leah", "Osei")}
    rows = {s.name: [] for s in schema.DATA_SHEETS}
    rows["Subjects"] = [{"ID": p.id, "Name": p.name, "Type": p.type, "Status": "Active"} for p in people.values()]
    rows["Contexts"] = [{"ID": "C01", "Name": "Pembury Estate", "Type": "Estate", "Status": "Active"}]
    rows["Links"] = [{"ID": "L01", "From": "S01", "To": "Leah Osei (S02)", "Relationship": "Friend",
                      "Last seen": dt.date(2025, 5, 1), "Status": "Current"}]
    rows["Sessions"] = [{"ID": "M01", "Date": dt.date(2025, 6, 15), "Type": "Internal mapping",
                         "Chair": "Amira Clarke"}]  # booked ahead
    case = gen.Case({"Network name": "Pembury network", "Status": "Open"}, rows, people, dt.date(2025, 5, 1))
    book = gen.write_case(tmp_path / "Network.xlsm", case)
    with today_is(dt.date(2025, 5, 28)):  # the cycle's clock: M01 is still ahead
        rc, out, err = run_main(["close", book, "--date", "2025-05-28", "--reason", "Risks reduced", "--force"])
    assert rc == 0, inv.where_it_failed(err)
    minutes = [p for p in tmp_path.iterdir() if p.suffix == ".docx"]
    assert len(minutes) == 1
    inv.opens(minutes[0])


def test_a_private_workbook_s_map_is_private_too(book):
    """Found: a workbook readable by its owner only (0600); map -> its PNG was 0644, readable by everyone."""
    book.chmod(0o600)
    before = inv.folder_state(book.parent)
    rc, out, err = run_main(["map", book, "--as-of", AS_OF.isoformat()])
    assert rc == 0, inv.where_it_failed(err)
    step = inv.Step("map", ["map"], rc, out, err, before, inv.folder_state(book.parent), None, AS_OF,
                    inv.Cycle(book.parent, book))
    assert step.outputs
    inv.check_step(step, only=("outputs-no-wider-than-workbook",))


def test_a_closure_refused_for_the_record_s_errors_changes_nothing(book):
    """Found: close --force on a record with an error that would leave a person out -> exit 1 (its final
    minutes refused), yet the workbook already said Closed, with a closure session (issue 26's half-done
    closure). Now refused before anything is written; --despite-errors closes it, minutes under a banner."""
    change(book, [("Links", 1, "From", "Nobody We Know"), ("Links", 1, "To", "S01"),
                  ("Links", 1, "Relationship", "Friend")])
    before = inv.folder_state(book.parent)
    argv = ["close", book, "--date", AS_OF.isoformat(), "--reason", "Risks reduced", "--force"]
    rc, out, err = run_main(argv)
    assert rc == 1, inv.where_it_failed(err)
    assert "closure" in err and "not written" in err
    assert inv.folder_state(book.parent) == before
    assert not read_network(book).settings.closed
    rc, out, err = run_main([*argv, "--despite-errors"])
    assert rc == 0, inv.where_it_failed(err)
    assert read_network(book).settings.closed
    assert any(p.suffix == ".docx" for p in book.parent.iterdir())


def test_initials_minutes_name_no_street_name(book):
    """Found: Names on outputs Initials, a subject 'Unknown adult male ('Snoopz')'; minutes (or close) -> the
    document said Snoopz. A street name is a name: the minutes say "Unknown adult male"."""
    change(book, [("Network", "names_on_outputs", "Value", "Initials"),
                  ("Subjects", "S02", "Name", "Unknown adult male ('Snoopz')")])
    before = inv.folder_state(book.parent)
    rc, out, err = run_main(["minutes", book, "--session", "M02"])
    assert rc == 0, inv.where_it_failed(err)
    case = gen.Case({}, {}, {"S02": gen.Person("S02", "Unknown adult male ('Snoopz')", "Unknown")}, AS_OF)
    step = inv.Step("minutes", ["minutes"], rc, out, err, before, inv.folder_state(book.parent), case, AS_OF,
                    inv.Cycle(book.parent, book), names_mode="Initials")
    assert step.outputs
    inv.check_step(step, only=("no-name-in-restricted-output",))


def test_codes_closing_minutes_name_no_part_of_a_hyphenated_street_name(book):
    """Found by the generated cycles: Known as 'J-Bone', free text "Ask Bone what Bone said ..."; the Codes
    closing minutes said Bone. Each part of a hyphenated street name is a name form."""
    change(book, [("Network", "names_on_outputs", "Value", "Codes"),
                  ("Subjects", "S02", "Known as", "J-Bone"),
                  ("Gaps", "G01", "Question", "Ask Bone what Bone said about the park?")])
    _closes_without_a_name(book, gen.Person("S02", "Male B", "Unknown", known_as=("J-Bone",)), "Codes")


def _closes_without_a_name(book, who, mode: str) -> None:
    """Close the network (forced, despite errors) and check its outputs name nobody, as `mode` says."""
    before = inv.folder_state(book.parent)
    rc, out, err = run_main(["close", book, "--date", AS_OF.isoformat(), "--reason", "Risks reduced",
                             "--force", "--despite-errors"])
    assert rc == 0, inv.where_it_failed(err)
    case = gen.Case({}, {}, {who.id: who}, AS_OF)
    step = inv.Step("close", ["close"], rc, out, err, before, inv.folder_state(book.parent), case, AS_OF,
                    inv.Cycle(book.parent, book), names_mode=mode)
    assert step.outputs
    inv.check_step(step, only=("no-name-in-restricted-output",))


def test_initials_closing_minutes_name_no_part_of_a_hyphenated_first_name(book):
    """Found by the generated cycles: with Ellie-Mae Thompson on the map, a note saying "Kai and Mae met ..."
    printed Mae in initials-only closing minutes. Each part of a hyphenated first name is a name form."""
    change(book, [("Network", "names_on_outputs", "Value", "Initials"),
                  ("Subjects", "S02", "Name", "Ellie-Mae Thompson"),
                  ("Gaps", "G01", "Question", "Did Mae meet Ellie at the park?")])
    _closes_without_a_name(book, gen.Person("S02", "Ellie-Mae Thompson", "Young person", "Ellie-Mae", "Thompson"),
                           "Initials")


def test_initials_minutes_name_nobody_by_a_name_the_record_no_longer_has(book):
    """Found by the generated cycles: Kai Thomas renamed before any snapshot kept his name; a link still typed
    "Kai Thomas" and notes saying "Thomas said" printed Thomas in initials-only closing minutes. A link end that
    names nobody is someone's name: it is never printed."""
    change(book, [("Network", "names_on_outputs", "Value", "Initials"),
                  ("Links", "L01", "To", "Kai Thomas"), ("Subjects", "S01", "Notes", "Thomas said he was scared.")])
    _closes_without_a_name(book, gen.Person("S90", "Kai Thomas", "Young person", "Kai", "Thomas"), "Initials")


def test_initials_minutes_name_nobody_by_the_name_a_pick_was_made_with(book):
    """Found by the generated cycles: a link picked as "Kai Ndiaye (S03)", then S03 renamed before any snapshot
    kept the name; notes saying "Ndiaye said" printed Ndiaye in initials-only closing minutes. The name in a
    pick is a name of the person it picked."""
    change(book, [("Network", "names_on_outputs", "Value", "Initials"), ("Subjects", "S02", "Name", "Oluwaseun Osei"),
                  ("Links", "L01", "To", "Kai Ndiaye (S02)"),
                  ("Subjects", "S01", "Notes", "Ndiaye said he was scared.")])
    _closes_without_a_name(book, gen.Person("S02", "Oluwaseun Osei", "Adult", "Oluwaseun", "Osei",
                                            earlier=["Kai Ndiaye"]), "Initials")
