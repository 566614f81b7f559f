"""Synthetic networks of any size, written into the template, for benchmarks.

Friendship clusters of young people joined by a few bridging people, some
adults, and places; links with a realistic mix of evidence, grades and dates.
The same seed always gives the same workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

import openpyxl

from peermap_xl.book import edit
from peermap_xl.contract import schema
from peermap_xl.xlsm.template import template_bytes

BOROUGHS = ["Hackney"] * 8 + ["Islington", "Kent", "Plymouth"]


def records(subjects: int, links: int, seed: int = 1) -> dict[str, list[dict]]:
    rnd = random.Random(seed)
    places = max(3, subjects // 10)
    people = []
    for i in range(1, subjects + 1):
        kind = rnd.choices(["Young person", "Adult", "Unknown"], [80, 15, 5])[0]
        people.append({"ID": f"S{i:02d}", "Name": f"Person {i}", "Type": kind, "Age": rnd.randint(11, 19),
                       "Borough": rnd.choice(BOROUGHS), "Risk level": rnd.choice(schema.LISTS["Risk level"]),
                       "Allocated worker": rnd.choice([None, "Social worker"]), "Status": "Active"})
    contexts = [{"ID": f"C{i:02d}", "Name": f"Place {i}", "Type": rnd.choice(schema.LISTS["Context type"]),
                 "Borough": rnd.choice(BOROUGHS), "Nature": rnd.choice(schema.LISTS["Context nature"])}
                for i in range(1, places + 1)]
    cluster = max(5, subjects // 8)
    rows = []
    start = dt.date(2025, 1, 1)
    for i in range(1, links + 1):
        a = rnd.randrange(subjects)
        if rnd.random() < 0.25:
            b = f"C{rnd.randrange(places) + 1:02d}"
        else:
            near = a + rnd.randint(-cluster // 2, cluster // 2) if rnd.random() < 0.9 else rnd.randrange(subjects)
            b = f"S{min(max(near, 0), subjects - 1) + 1:02d}"
        seen = start + dt.timedelta(days=rnd.randrange(640))
        rows.append({"ID": f"L{i:02d}", "From": f"S{a + 1:02d}", "To": b,
                     "Relationship": rnd.choice(schema.LISTS["Relationship"]),
                     "Nature": rnd.choice(schema.LISTS["Link nature"]),
                     "Strength": rnd.choice(schema.LISTS["Strength"]),
                     "Influence": rnd.choice(schema.LISTS["Influence"]),
                     "Evidence": rnd.choice(schema.LISTS["Evidence"]),
                     "Source": rnd.choice([None, "Police", "School", "Youth service"]),
                     "Source grade": rnd.choice(schema.LISTS["Source grade"]),
                     "Information grade": rnd.choice(schema.LISTS["Information grade"]),
                     "First recorded": seen - dt.timedelta(days=rnd.randrange(200)), "Last seen": seen})
    gaps = [{"ID": f"G{i:02d}", "Question": f"Question {i}?", "About": f"S{rnd.randrange(subjects) + 1:02d}",
             "Due": start + dt.timedelta(days=rnd.randrange(640)), "Status": "Open"} for i in range(1, subjects // 10)]
    sessions = [{"ID": "M01", "Date": dt.date(2026, 9, 1), "Type": "Internal mapping", "Chair": "Lead"}]
    return {"Subjects": people, "Contexts": contexts, "Links": rows, "Gaps": gaps, "Sessions": sessions}


def write(path: Path, subjects: int, links: int, seed: int = 1) -> Path:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()), keep_vba=True)
    edit.set_network_values(wb, {"Network name": f"Synthetic {subjects}", "Home borough": "Hackney",
                                 "Date concern identified": dt.date(2025, 1, 1)})
    for sheet_name, rows in records(subjects, links, seed).items():
        edit.append_records(wb, schema.sheet(sheet_name), rows)
    wb.save(path)
    return path
