"""Incidents: the sheet, read by both doors and absent from older workbooks; the rules that use them."""

import datetime as dt
import shutil

import openpyxl

from peermap_xl.checks import RULES
from peermap_xl.contract import schema
from peermap_xl.record.reading import read_network
from test_checks import AS_OF, GOOD_LINK, HUB, B, found, network

D = dt.date


def older_workbook(path, example_book):
    """The worked example as a workbook made before Incidents and Direct work's Date and Worker existed."""
    copy = shutil.copy(example_book, path)
    wb = openpyxl.load_workbook(copy, keep_vba=True)
    del wb[schema.INCIDENTS.name]
    ws = wb[schema.DIRECT_WORK.name]
    [table] = ws.tables.values()
    headers = [c.value for c in ws[1]]
    for header in ("Worker", "Date"):  # the last two columns
        column = headers.index(header) + 1
        ws.delete_cols(column)
    del ws.tables[table.name]
    wb.save(copy)
    return copy


def test_the_example_records_incidents_with_their_place_resolved(example_book):
    net = read_network(example_book)
    incidents = net.incidents.set_index("id")
    assert list(incidents.index) == ["I01", "I02", "I03", "I04"]
    assert incidents.loc["I02", "where_id"] == "C01"  # typed as "123 City Road"
    assert incidents.loc["I04", "who"] == ("S08", "S07") and incidents.loc["I04", "significant"] == "Yes"
    assert incidents.loc["I04", "date"] == dt.datetime(2026, 9, 26)
    assert (net.direct_work["date"] == dt.datetime(2026, 9, 20)).all()
    assert (net.direct_work["worker"] == "Youth hub worker").all()


def test_a_workbook_made_before_incidents_still_reads(tmp_path, example_book):
    net = read_network(older_workbook(tmp_path / "old.xlsm", example_book))
    assert len(net.incidents) == 0 and "where_id" in net.incidents
    assert len(net.direct_work) == 7 and net.direct_work["date"].isna().all()
    assert net.direct_work["worker"].isna().all()
    assert len(net.links) == 30


# --- the rules: each fires on what it is for and keeps quiet on the nearest innocent case -------------

A = {"ID": "S01", "Name": "Male A", "Type": "Young person", "Risk level": "High", "Allocated worker": "SW"}
PARK = {"ID": "C02", "Name": "Estate park", "Type": "Park or open space", "Borough": "Hackney", "Nature": "Mixed"}
AWAY = {"ID": "C03", "Name": "Plymouth house", "Type": "Address", "Borough": "Plymouth", "Nature": "Risky"}
HELD = {"ID": "M01", "Date": D(2026, 9, 16), "Type": "Multi-agency mapping", "Subject list sent": D(2026, 9, 8),
        "Minutes uploaded": D(2026, 9, 20)}
STABBING = {"ID": "I01", "Date": D(2026, 9, 26), "What happened": "Stabbing at the park", "Type": "Weapon",
            "Where": "Estate park", "Who": "S01; S02", "Significant": "Yes", "Source": "Police"}
FIGHT = {"ID": "I02", "Date": D(2026, 9, 5), "What happened": "Fight", "Type": "Violence", "Where": "C02",
         "Who": "S01; S02", "Significant": "No", "Source": "Youth workers"}
RISKY_PARK = {**GOOD_LINK, "ID": "L02", "From": "S01", "To": "C02", "Relationship": "Seen at", "Nature": "Risky"}


def park_network(incidents=(STABBING,), links=(GOOD_LINK,), sessions=(HELD,), **more):
    return network(subjects=(A, B), contexts=(HUB, PARK, AWAY), links=links, sessions=sessions,
                   incidents=incidents, **more)


def test_the_new_rules_are_registered_once_with_explanations():
    new = {"review-after-incident", "incidents-at-place", "incident-out-of-borough", "subject-list-due",
           "no-direct-work"}
    registered = {r.slug: r for r in RULES}
    assert new <= set(registered)
    for slug in new:
        assert registered[slug].explanation.count('"') >= 2, slug  # quotes the guidance


def test_a_significant_incident_after_the_last_session_asks_for_a_review_with_its_date():
    [f] = found(park_network(), "review-after-incident")
    assert (f.sheet, f.row, f.id, f.column) == ("Incidents", 2, "I01", "Significant")
    assert "26/09/2026" in f.message and "M01" in f.message and "16/09/2026" in f.message


def test_no_review_asked_for_an_incident_not_significant_before_the_last_session_or_with_one_booked():
    assert found(park_network(incidents=({**STABBING, "Significant": "No"},)), "review-after-incident") == []
    assert found(park_network(incidents=({**STABBING, "Date": D(2026, 9, 10)},)), "review-after-incident") == []
    booked = {"ID": "M02", "Date": D(2026, 10, 20), "Type": "Review"}
    assert found(park_network(sessions=(HELD, booked)), "review-after-incident") == []
    closed = park_network(settings_={"Status": "Closed"})
    assert found(closed, "review-after-incident") == []


def test_two_incidents_at_the_park_prompt_a_context_assessment():
    [f] = found(park_network(incidents=(STABBING, FIGHT)), "incidents-at-place")
    assert (f.sheet, f.id) == ("Contexts", "C02") and "2 incidents" in f.message
    assert "I02 on 05/09/2026" in f.message and "I01 on 26/09/2026" in f.message


def test_one_significant_incident_prompts_only_with_risky_links_to_the_place():
    assert found(park_network(), "incidents-at-place") == []
    [f] = found(park_network(links=(GOOD_LINK, RISKY_PARK)), "incidents-at-place")
    assert "significant incident" in f.message
    quiet = park_network(links=(GOOD_LINK, RISKY_PARK), incidents=({**STABBING, "Significant": "No"},))
    assert found(quiet, "incidents-at-place") == []


def test_a_context_assessment_already_on_actions_quiets_the_prompt():
    action = {"ID": "A01", "Action": "Context assessment of the park", "Type": "Context assessment",
              "About": "C02", "Owner": "CS", "Due": D(2026, 11, 1), "Status": "Open"}
    assert found(park_network(incidents=(STABBING, FIGHT), actions=(action,)), "incidents-at-place") == []


def test_an_incident_out_of_borough_suggests_a_question_for_that_area():
    away = {**STABBING, "Where": "C03"}
    [f] = found(park_network(incidents=(away,)), "incident-out-of-borough")
    assert (f.sheet, f.column) == ("Incidents", "Where") and "Plymouth" in f.message
    assert f.gap == ("What do Plymouth services know about the incident at Plymouth house on 26/09/2026?", "C03")
    assert found(park_network(), "incident-out-of-borough") == []


def test_a_subject_list_due_tomorrow_and_not_sent_warns():
    session = {"ID": "M02", "Date": AS_OF + dt.timedelta(days=8), "Type": "Review"}
    [f] = found(park_network(sessions=(HELD, session)), "subject-list-due")
    assert (f.sheet, f.id, f.column) == ("Sessions", "M02", "Subject list sent")
    assert "is due in 1 day (02/10/2026)" in f.message


def test_a_subject_list_already_sent_or_not_yet_due_within_a_week_is_quiet():
    sent = {"ID": "M02", "Date": AS_OF + dt.timedelta(days=8), "Type": "Review", "Subject list sent": AS_OF}
    assert found(park_network(sessions=(HELD, sent)), "subject-list-due") == []
    later = {"ID": "M02", "Date": AS_OF + dt.timedelta(days=15), "Type": "Review"}
    assert found(park_network(sessions=(HELD, later)), "subject-list-due") == []
    [f] = found(park_network(sessions=(HELD, {**later, "Date": AS_OF + dt.timedelta(days=14)})), "subject-list-due")
    assert "in 7 days" in f.message


def test_a_subject_list_late_for_a_session_tomorrow_says_it_was_due():
    session = {"ID": "M02", "Date": AS_OF + dt.timedelta(days=1), "Type": "Review"}
    [f] = found(park_network(sessions=(HELD, session)), "subject-list-due")
    assert "was due 6 days ago" in f.message


def test_a_young_person_at_high_risk_without_direct_work_is_noted_and_one_with_it_is_not():
    heard = ({"Young person": "Male A", "Peer": "Male B", "Closeness": 1, "Date": D(2026, 9, 20)},)
    assert found(park_network(direct_work=heard), "no-direct-work") == []
    [f] = found(park_network(), "no-direct-work")
    assert (f.sheet, f.id, f.column) == ("Subjects", "S01", "Risk level") and "high risk" in f.message
    low = network(subjects=({**A, "Risk level": "Low"}, B))
    assert found(low, "no-direct-work") == []


# --- incidents in the minutes ---------------------------------------------------------------------------


def test_the_minutes_list_incidents_newest_first_and_per_young_person():
    from peermap_xl import minutes
    from peermap_xl.minutes import incidents as incidents_minutes
    from peermap_xl.record import incidents

    net = park_network(incidents=(STABBING, FIGHT))
    heading, table = incidents_minutes.section(net, D(2026, 9, 30))
    assert heading.text == "Incidents" and isinstance(table, minutes.Table)
    assert [r[0] for r in table.rows] == ["I01", "I02"]
    assert table.rows[0][1:5] == ["26/09/2026", "Weapon", "Estate park", "Male A, Male B"]
    assert table.rows[0][5:] == ["Stabbing at the park", "Yes"]
    assert incidents.per_record(net, "S01", D(2026, 9, 20)) == ["I02 05/09/2026, violence, at Estate park: Fight"]
    assert incidents.per_record(net, "C01", D(2026, 9, 30)) == []  # the youth hub: nothing happened there
    [_, anonymised] = incidents_minutes.section(net, D(2026, 9, 30), anonymise=True)
    assert anonymised.rows[0][3:6] == ["LOC2", "YP1, YP2", ""]
