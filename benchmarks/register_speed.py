"""How long `peermap find` takes over a team's folder of peer maps.

    python benchmarks/register_speed.py            # 300 workbooks of about 30 subjects (budget: under a minute)
    python benchmarks/register_speed.py 50 30      # 50 workbooks of 30 subjects
    python benchmarks/register_speed.py 300 30 DIR # keep the workbooks in DIR (and use them again next time)

Writes the workbooks (from the template, as a team's would be) into a temporary
folder, then times, as a user runs them (a fresh process each, imports included,
the median of 3 runs): the register of the whole folder (`peermap find FOLDER`)
and one workbook against the rest (`peermap find FOLDER --book BOOK`). People are
drawn from one population, so that some are in several networks, typed as
people type them (capitals, swapped names, initials, accents), with pseudonyms;
places from a pool of addresses with postcodes, spelt differently.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from peermap_xl.book import edit
from peermap_xl.contract import schema
from peermap_xl.xlsm.template import template_bytes

FIRST = """Aaliyah Adam Aisha Alfie Amara Amir Amira Ava Ayaan Ben Bilal Chloe Connor Daniel Darnell Demi Deshawn Eden
    Elijah Ella Emre Ethan Fatima Finley Grace Hamza Harvey Ibrahim Imani Isaac Isla Jacob Jade Jamal Jayden Jordan
    Joshua Kai Kayden Keisha Kofi Lamar Leah Leon Liam Lily Lucas Malik Maya Mohammed Nathan Nia Noah Olivia Omar
    Reggie Riley Rosa Ruby Ryan Samir Sienna Tariq Tayo Theo Tyler Yusuf Zara Zion José Zoë Chidi Precious""".split()
LAST = """Abbott Adeyemi Ahmed Ali Allen Baker Barnes Begum Bennett Brown Campbell Carter Chowdhury Clarke Cole Cooper
    Davies Edwards Evans Francis Graham Green Hall Harris Hassan Hughes Hussain Jackson James Johnson Jones Kaur Khan
    King Lewis Martin Mensah Miah Mitchell Moore Morgan Murphy Nguyen Okafor Okoro Osei Owusu Palmer Parker Patel
    Phillips Price Reid Richards Roberts Robinson Rossi Scott Shah Singh Smith Stewart Taylor Thomas Thompson Turner
    Walker Ward Watson White Williams Wilson Wood Wright Young Álvarez O'Brien Smith-Jones""".split()
STREETS = ["Mare Street", "Kingsland Road", "Dalston Lane", "Amhurst Road", "Graham Road", "Morning Lane",
           "Well Street", "Homerton High Street", "Clapton Road", "Lower Clapton Road", "Stoke Newington Road",
           "Hackney Road", "Cambridge Heath Road", "Richmond Road", "Wilton Way", "Sandringham Road"]
SHORT = {"Street": "St", "Road": "Rd", "Lane": "Ln"}
PSEUDONYMS = ["Male A", "Male B", "Female A", "Unknown adult male", "Unknown female", "\u201cBlade\u201d"]


def population(size: int, rnd: random.Random) -> list[dict]:
    names = rnd.sample([(f, s) for f in FIRST for s in LAST], size)
    people = []
    for first, last in names:
        dob = dt.date(2006, 1, 1) + dt.timedelta(days=rnd.randrange(365 * 8)) if rnd.random() < 0.7 else None
        people.append({"first": first, "last": last, "dob": dob, "gender": rnd.choice(["Male", "Female", None])})
    return people


def typed(person: dict, rnd: random.Random) -> dict:
    """A person as one network typed them."""
    first, last = person["first"], person["last"]
    style = rnd.random()
    name = (f"{first} {last}" if style < 0.6 else f"{last.upper()}, {first}" if style < 0.75 else
            f"{first[0]}. {last}" if style < 0.85 else f"{first.lower()} {last.lower()}")
    row = {"Name": name, "Type": "Young person", "Gender": person["gender"],
           "Risk level": rnd.choice(["High", "Medium", "Low"]), "Status": "Active"}
    if person["dob"] and rnd.random() < 0.8:
        row["Date of birth"] = person["dob"]
    elif person["dob"]:
        row["Age"] = (dt.date(2026, 10, 1) - person["dob"]).days // 365
    return row


def places(size: int, rnd: random.Random) -> list[tuple[str, str, str]]:
    """(number, street, postcode) of the pool of addresses."""
    return [(str(rnd.randint(1, 250)), rnd.choice(STREETS),
             f"E{rnd.randint(1, 9)} {rnd.randint(1, 9)}{rnd.choice('ABDEFGHJLNPQRSTUWXYZ')}"
             f"{rnd.choice('ABDEFGHJLNPQRSTUWXYZ')}") for _ in range(size)]


def address(place: tuple[str, str, str], rnd: random.Random) -> str:
    number, street, postcode = place
    word, kind = street.rsplit(" ", 1)
    street = f"{word} {SHORT.get(kind, kind)}" if rnd.random() < 0.4 else street
    return f"{number} {street}, {postcode.replace(' ', '') if rnd.random() < 0.3 else postcode}"


def network(n: int, subjects: int, people: list[dict], pool: list, rnd: random.Random) -> dict[str, list[dict]]:
    chosen = rnd.sample(people, subjects - 3)
    rows = [typed(p, rnd) for p in chosen] + [{"Name": name, "Type": "Young person"}
                                              for name in rnd.sample(PSEUDONYMS, 3)]
    contexts = [{"Name": f"Address {i}", "Type": "Address", "Address or area": address(place, rnd)}
                for i, place in enumerate(rnd.sample(pool, 6), start=1)]
    contexts.append({"Name": rnd.choice(["London Fields", "Hackney Downs", "Clissold Park"]),
                     "Type": "Park or open space", "Borough": "Hackney"})
    links = [{"From": f"S{rnd.randrange(subjects) + 1:02d}", "To": f"C{rnd.randrange(len(contexts)) + 1:02d}",
              "Relationship": "Seen at", "Evidence": "Evidenced"} for _ in range(subjects // 2)]
    links += [{"From": f"S{rnd.randrange(subjects) + 1:02d}", "To": f"S{rnd.randrange(subjects) + 1:02d}",
               "Relationship": "Friend"} for _ in range(subjects)]
    return {"Network": {"Network name": f"Network {n:03d}"}, "Subjects": rows, "Contexts": contexts, "Links": links}


def write_folder(folder: Path, books: int, subjects: int, seed: int = 16) -> list[Path]:
    rnd = random.Random(seed)
    people = population(books * subjects // 2, rnd)
    pool = places(books * 2, rnd)
    template = template_bytes()
    paths = []
    for n in range(1, books + 1):
        data = network(n, subjects, people, pool, rnd)
        wb = openpyxl.load_workbook(io.BytesIO(template), keep_vba=True)
        edit.set_network_values(wb, data.pop("Network"))
        for sheet_name, rows in data.items():
            edit.append_records(wb, schema.sheet(sheet_name), rows)
        path = folder / f"team {n % 10}" / f"Network {n:03d}.xlsm"
        path.parent.mkdir(exist_ok=True)
        wb.save(path)
        paths.append(path)
    return paths


def command(*args) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its workers, what it printed)."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "peermap_xl.cli", *map(str, args)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter() - start, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime,
            done.stdout)


def report(what: str, runs: list) -> None:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(f"{what}: median {statistics.median(walls):.1f} s ({', '.join(f'{t:.1f}' for t in walls)}), "
          f"CPU {statistics.median(cpus):.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main(books: int = 300, subjects: int = 30, keep: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep or tmp)
        paths = sorted(folder.rglob("*.xlsm"))
        if len(paths) != books:
            start = time.perf_counter()
            folder.mkdir(parents=True, exist_ok=True)
            paths = write_folder(folder, books, subjects)
            print(f"Wrote {books} workbooks of {subjects} subjects in {time.perf_counter() - start:.0f} s")
        runs = [command("find", folder, "--json") for _ in range(3)]
        report("peermap find FOLDER (the register)", runs)
        data = json.loads(runs[0][2])
        print(f"  {len({r['group'] for r in data['people']})} people and {len({r['group'] for r in data['places']})} "
              "places in more than one network")
        report("peermap find FOLDER --book BOOK", [command("find", folder, "--book", paths[0]) for _ in range(3)])


if __name__ == "__main__":
    main(*map(int, sys.argv[1:3]), *sys.argv[3:4])
