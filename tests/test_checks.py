"""Each rule fires on what it is for, and keeps quiet on the nearest innocent case."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peermap_xl.book.raw import NOT_CALCULATED, RawBook, RawTable
from peermap_xl.checks import FOLLOW_UP, RULES, run_checks
from peermap_xl.contract import schema
from peermap_xl.record import model

D = dt.date
AS_OF = D(2026, 10, 1)

A = {"ID": "S01", "Name": "Male A", "Type": "Young person", "Risk level": "High", "Allocated worker": "SW"}
B = {"ID": "S02", "Name": "Male B", "Type": "Young person", "Risk level": "Low", "Allocated worker": "SW"}
HUB = {"ID": "C01", "Name": "Youth hub", "Type": "Youth provision", "Nature": "Protective"}
GOOD_LINK = {"ID": "L01", "From": "S01", "To": "S02", "Relationship": "Friend", "Nature": "Neutral",
             "Evidence": "Evidenced", "Source": "Youth hub", "Source grade": "1 Reliable",
             "Information grade": "A Known directly", "First recorded": D(2026, 9, 1), "Last seen": D(2026, 9, 20)}


def network(subjects=(A, B), contexts=(HUB,), links=(GOOD_LINK,), settings_=None, **sheets):
    """A network built from rows of {header: value}, as a workbook would give them."""
    raw = RawBook(source="Test.xlsm")
    data = {"Subjects": subjects, "Contexts": contexts, "Links": links,
            **{schema.sheet(k.replace("_", " ")).name: v for k, v in sheets.items()}}
    for sheet in schema.DATA_SHEETS:
        headers = [c.header for c in sheet.all_columns]
        rows = [(i + 2, [row.get(h) for h in headers]) for i, row in enumerate(data.get(sheet.name, ()))]
        raw.tables[sheet.name] = RawTable(sheet.name, headers, rows)
    fields = {"Home borough": "Hackney", "Stale after (days)": 90, "Names on outputs": "Full names",
              **(settings_ or {})}
    raw.tables[schema.NETWORK] = RawTable(schema.NETWORK, ["Field", "Value"],
                                          [(i + 2, [k, v]) for i, (k, v) in enumerate(fields.items())])
    return model.build(raw)


def found(net, slug, as_of=AS_OF):
    return [f for f in run_checks(net, as_of) if f.rule == slug]


def link(**changes):
    return {**GOOD_LINK, **changes}


def test_the_catalogue_is_complete_and_consistent():
    slugs = [r.slug for r in RULES]
    assert len(slugs) == len(set(slugs)) and len({r.code for r in RULES}) == len(RULES)
    assert set(slugs) == {
        "missing-required", "duplicate-id", "unknown-endpoint", "ambiguous-endpoint", "self-link",
        "invalid-value", "invalid-date", "future-date", "stale-link", "anecdotal-link", "unsourced-link",
        "undated-link", "graded-evidence-conflict", "removed-still-linked", "duplicate-link",
        "isolated-subject", "no-key-contact", "unidentified-person", "out-of-borough", "unknown-risk",
        "unaccountable-action", "overdue-action", "overdue-gap", "unassigned-gap", "initial-session-late",
        "multiagency-session-late", "list-sent-late", "minutes-late", "review-overdue",
        "consider-peer-assessment", "consider-context-assessment", "key-individual", "bridge",
        "protective-relationship", "read-range", "already-mapped", "subject-list-due", "no-direct-work",
        "review-after-incident", "incidents-at-place", "incident-out-of-borough", "uncalculated-formula",
        "undated-gap", "direct-work-off-list", "undated-direct-work", "named-by-other-name",
        "invited-subject", "booked-session-passed", "held-session-ahead", "network-closed"}
    assert FOLLOW_UP <= set(slugs)
    for r in RULES:
        assert r.summary and len(r.explanation) > 60 and r.severity in ("error", "warning", "info"), r.slug
        assert r.code.startswith("PM") and len(r.code) == 5


def test_a_clean_network_has_no_errors_or_warnings():
    assert [f for f in run_checks(network(), AS_OF) if f.severity != "info"] == []


# --- integrity -----------------------------------------------------------------


def test_missing_required():
    [f] = found(network(subjects=(A, B, {"ID": "S03", "Type": "Adult"})), "missing-required")
    assert (f.sheet, f.row, f.id, f.column) == ("Subjects", 4, "S03", "Name")
    assert found(network(subjects=(A, B, {"ID": "S03", "Name": "Adult C", "Type": "Adult"})),
                 "missing-required") == []


def test_duplicate_id_across_subjects_and_contexts():
    [f] = found(network(contexts=({**HUB, "ID": "S02"},)), "duplicate-id")
    assert (f.sheet, f.row, f.column) == ("Contexts", 2, "ID") and "Subjects row 3" in f.message
    assert found(network(), "duplicate-id") == []


def test_unknown_and_ambiguous_endpoints():
    net = network(subjects=(A, B, {"ID": "S03", "Name": "Male B", "Type": "Young person"}),
                  links=(link(To="Male Z"), link(ID="L02", To="male b"), link(ID="L03", To="S03")))
    [unknown] = found(net, "unknown-endpoint")
    assert (unknown.row, unknown.column) == (2, "To")
    [ambiguous] = found(net, "ambiguous-endpoint")
    assert (ambiguous.row, ambiguous.id) == (3, "L02") and "S02 or S03" in ambiguous.message


def test_an_unknown_name_is_quoted_with_the_nearest_names_suggested():
    net = network(subjects=(A, B, {"ID": "S03", "Name": "Female A", "Type": "Young person"}),
                  links=(link(To="Mle B"),), contacts=({"Name": "PC Jones", "For": "Femle A; S01"},))
    [typo, in_for] = found(net, "unknown-endpoint")
    assert typo.message.startswith('To "Mle B" names no person or place on this workbook. Did you mean Male B (S02)? ')
    assert 'For "Femle A"' in in_for.message and "Did you mean Female A (S03)?" in in_for.message
    assert "Pick from the drop-down" in typo.message


def test_typing_is_quoted_only_where_outputs_show_full_names():
    jordan = {**B, "Name": "Jordan Smith"}  # a real name: initials or codes on outputs that ask for them
    for setting, shown in (("Initials", "JS (S02)"), ("Codes", "YP2 (S02)")):
        net = network(subjects=(A, jordan), links=(link(To="Jordan Smyth"),), settings_={"Names on outputs": setting})
        [unknown] = found(net, "unknown-endpoint")
        assert "Jordan" not in unknown.message and f"Did you mean {shown}?" in unknown.message
    net = network(subjects=(A, jordan), links=(link(To="Jordan Smyth"),))
    [quoted] = found(net, "unknown-endpoint")
    assert quoted.message.startswith('To "Jordan Smyth" names no person') and "Jordan Smith (S02)" in quoted.message
    [anonymised] = [f for f in run_checks(net, AS_OF, anonymise=True) if f.rule == "unknown-endpoint"]
    assert "Jordan" not in anonymised.message and "Did you mean YP2 (S02)?" in anonymised.message


def test_nothing_is_suggested_when_nothing_is_near():
    [unknown] = found(network(links=(link(To="Qwxyz"),)), "unknown-endpoint")
    assert "Did you mean" not in unknown.message


def test_a_value_off_its_list_is_quoted_with_the_nearest_value():
    [f] = found(network(links=(link(Relationship="Freind"),)), "invalid-value")
    assert f.message.startswith('Relationship "Freind" is not on its list. Did you mean Friend? Pick from')
    [f] = found(network(links=(link(Relationship="Freind"),), settings_={"Names on outputs": "Codes"}),
                "invalid-value")
    assert "Freind" not in f.message and "Did you mean Friend?" in f.message


def test_about_may_name_a_link_but_for_may_not():
    net = network(gaps=({"Question": "Still friends?", "About": "L01; S02"},),
                  contacts=({"Name": "Worker", "For": "L01"},))
    [f] = found(net, "unknown-endpoint")
    assert f.sheet == "Contacts" and f.column == "For"


def test_self_link():
    [f] = found(network(links=(link(To="Male A"),)), "self-link")
    assert f.row == 2
    assert found(network(), "self-link") == []


def test_invalid_value_from_the_workbooks_own_lists():
    net = network(links=(link(Evidence="Rumour"),))
    [f] = found(net, "invalid-value")
    assert (f.column, f.row) == ("Evidence", 2) and '"Rumour"' in f.message and "Did you mean" not in f.message
    net.lists["Evidence"] = ("Evidenced", "Anecdotal", "Rumour")  # a team extended its list
    assert found(net, "invalid-value") == []


def test_invalid_value_for_numbers_out_of_range_or_not_numbers():
    net = network(subjects=(A, {**B, "Age": "about 15"}),
                  direct_work=({"Young person": "S01", "Peer": "Friend", "Closeness": 7},
                               {"Young person": "S01", "Peer": "Cousin", "Closeness": 5}))
    assert {(f.sheet, f.row, f.column) for f in found(net, "invalid-value")} == {
        ("Subjects", 3, "Age"), ("Direct work", 2, "Closeness")}


def test_invalid_date():
    [f] = found(network(links=(link(**{"Last seen": "31/02/2026"}),)), "invalid-date")
    assert (f.row, f.column) == (2, "Last seen")
    assert found(network(links=(link(**{"Last seen": "28/02/2026"}),)), "invalid-date") == []


def test_uncalculated_formula_is_unknown_never_blank_or_renumbered():
    net = network(subjects=(A, {**B, "ID": NOT_CALCULATED}, {**B, "ID": None, "Name": "Male C"}),
                  links=(link(**{"Relationship": NOT_CALCULATED}),))
    assert {(f.sheet, f.row, f.column, f.severity) for f in found(net, "uncalculated-formula")} == {
        ("Subjects", 3, "ID", "error"), ("Links", 2, "Relationship", "error")}
    ids = dict(zip(net.subjects["row"], zip(net.subjects["id"], net.subjects["auto_id"])))
    assert ids[3] == (model.unknown_id("S", 3), False) and ids[4][1]  # the unknown ID is not numbered
    assert not [f for f in found(net, "missing-required") if f.row == 2 and f.sheet == "Links"]  # not blank
    message = found(net, "uncalculated-formula")[0].message
    assert "Open the workbook in Excel and save it" in message and "Male" not in message
    assert found(network(subjects=(A, {**B, "ID": None})), "uncalculated-formula") == []


def test_future_date_but_today_is_fine():
    [f] = found(network(links=(link(**{"Last seen": D(2026, 10, 2)}),)), "future-date")
    assert f.column == "Last seen"
    assert found(network(links=(link(**{"Last seen": AS_OF}),)), "future-date") == []


# --- links -----------------------------------------------------------------------


def test_stale_after_exactly_the_limit_is_not_stale():
    limit = AS_OF - dt.timedelta(days=90)
    assert found(network(links=(link(**{"Last seen": limit}),)), "stale-link") == []
    [f] = found(network(links=(link(**{"Last seen": limit - dt.timedelta(days=1)}),)), "stale-link")
    assert "91 days ago" in f.message and f.column == "Last seen"


def test_stale_uses_first_recorded_when_last_seen_is_empty_and_the_networks_limit():
    old = link(**{"Last seen": None, "First recorded": D(2026, 8, 1)})
    assert found(network(links=(old,)), "stale-link") == []
    [f] = found(network(links=(old,), settings_={"Stale after (days)": 30}), "stale-link")
    assert f.column == "First recorded"


def test_historic_links_are_not_stale():
    old = link(**{"Last seen": D(2025, 1, 1)}, Status="Historic")
    assert found(network(links=(old,)), "stale-link") == []


@pytest.mark.parametrize("changes, column", [
    ({"Evidence": "Anecdotal"}, "Evidence"),
    ({"Information grade": "C Known indirectly"}, "Information grade"),
    ({"Information grade": "E Suspected false"}, "Information grade"),
    ({"Source grade": "3 Not reliable"}, "Source grade"),
])
def test_anecdotal_link(changes, column):
    [f] = found(network(links=(link(**changes),)), "anecdotal-link")
    assert f.column == column


def test_well_graded_evidence_is_not_anecdotal():
    assert found(network(links=(link(**{"Information grade": "B Known indirectly, corroborated",
                                        "Source grade": "2 Untested"}),)), "anecdotal-link") == []


def test_unsourced_and_undated():
    assert [f.row for f in found(network(links=(link(Source=None),)), "unsourced-link")] == [2]
    assert found(network(), "unsourced-link") == []
    undated = link(**{"First recorded": None, "Last seen": None})
    assert [f.row for f in found(network(links=(undated,)), "undated-link")] == [2]
    assert found(network(links=(link(**{"Last seen": None}),)), "undated-link") == []


def test_graded_evidence_conflict():
    [f] = found(network(links=(link(**{"Information grade": "D Not known"}),)), "graded-evidence-conflict")
    assert "information D" in f.message
    assert found(network(links=(link(**{"Information grade": "C Known indirectly"}),)),
                 "graded-evidence-conflict") == []
    assert found(network(links=(link(Evidence="Anecdotal", **{"Source grade": "3 Not reliable"}),)),
                 "graded-evidence-conflict") == []


def test_removed_still_linked_until_the_link_is_marked():
    gone = {**B, "Status": "Removed"}
    [f] = found(network(subjects=(A, gone)), "removed-still-linked")
    assert f.column == "Status" and "Male B" in f.message
    assert found(network(subjects=(A, gone), links=(link(Status="Historic"),)), "removed-still-linked") == []


def test_duplicate_link_in_either_direction():
    again = link(ID="L02", From="S02", To="S01")
    [f] = found(network(links=(GOOD_LINK, again)), "duplicate-link")
    assert (f.id, f.row) == ("L02", 3) and "L01" in f.message
    assert found(network(links=(GOOD_LINK, {**again, "Relationship": "Conflict"})), "duplicate-link") == []


# --- people and places ---------------------------------------------------------------


def test_isolated_subject():
    c = {"ID": "S03", "Name": "Female C", "Type": "Young person", "Risk level": "Low", "Allocated worker": "SW"}
    [f] = found(network(subjects=(A, B, c)), "isolated-subject")
    assert f.id == "S03"
    assert found(network(subjects=(A, B, {**c, "Status": "Removed"})), "isolated-subject") == []


def test_no_key_contact_unless_a_contact_holds_them():
    b = {**B, "Allocated worker": None}
    [f] = found(network(subjects=(A, b)), "no-key-contact")
    assert f.id == "S02"
    assert found(network(subjects=(A, b), contacts=({"Name": "School DSL", "For": "C01; male b"},)),
                 "no-key-contact") == []


def test_unidentified_person_suggests_a_question():
    unknown = {"ID": "S03", "Name": "Unknown adult male", "Type": "Adult"}
    net = network(subjects=(A, B, unknown), links=(GOOD_LINK, link(ID="L02", From="S03")))
    [f] = found(net, "unidentified-person")
    assert f.gap == ("Who is the unknown adult male?", "S03")
    named = {"ID": "S03", "Name": "Adult male (Plymouth)", "Type": "Adult"}
    assert found(network(subjects=(A, B, named)), "unidentified-person") == []
    assert len(found(network(subjects=(A, B, {**named, "Type": "Unknown"})), "unidentified-person")) == 1


def test_out_of_borough_names_the_borough_and_suggests_a_question():
    c = {"ID": "S03", "Name": "Male C", "Type": "Young person", "Borough": "Kent"}
    [f] = found(network(subjects=(A, B, c)), "out-of-borough")
    assert f.gap == ("What do Kent services know about Male C?", "S03") and f.severity == "info"
    assert found(network(subjects=(A, B, {**c, "Borough": "hackney"})), "out-of-borough") == []


def test_unknown_risk():
    assert [f.id for f in found(network(subjects=(A, {**B, "Risk level": "Not known"})), "unknown-risk")] == ["S02"]
    assert found(network(subjects=(A, {**B, "Type": "Adult", "Risk level": None})), "unknown-risk") == []


# --- actions and gaps ------------------------------------------------------------------


def test_actions():
    actions = ({"ID": "A01", "Action": "Visit", "Owner": "SW", "Due": D(2026, 9, 30), "Status": "Open"},
               {"ID": "A02", "Action": "Refer", "Owner": None, "Due": D(2026, 10, 30)},
               {"ID": "A03", "Action": "Call", "Owner": "PC", "Due": D(2026, 9, 1), "Status": "Done"},
               {"ID": "A04", "Action": "Meet", "Owner": "PC", "Due": AS_OF, "Status": "In progress"})
    net = network(actions=actions)
    assert [(f.id, f.column) for f in found(net, "unaccountable-action")] == [("A02", "Owner")]
    [overdue] = found(net, "overdue-action")
    assert overdue.id == "A01" and "1 day ago" in overdue.message


def test_gaps():
    gaps = ({"ID": "G01", "Question": "Who?", "Assigned to": "PC", "Due": D(2026, 9, 30)},
            {"ID": "G02", "Question": "Where?", "Assigned to": None, "Due": AS_OF, "Status": "Open"},
            {"ID": "G03", "Question": "When?", "Due": D(2026, 9, 1), "Status": "Answered"})
    net = network(gaps=gaps)
    assert [f.id for f in found(net, "overdue-gap")] == ["G01"]
    assert [f.id for f in found(net, "unassigned-gap")] == ["G02"]


# --- timescales --------------------------------------------------------------------------


def session(day, kind, **more):
    return {"Date": day, "Type": kind, **more}


CONCERN = {"Date concern identified": D(2026, 8, 1)}


def test_initial_session_within_14_days_is_on_time():
    on_time = network(settings_=CONCERN, sessions=(session(D(2026, 8, 15), "Internal mapping"),))
    assert found(on_time, "initial-session-late") == []
    late = network(settings_=CONCERN, sessions=(session(D(2026, 8, 16), "Internal mapping"),))
    [f] = found(late, "initial-session-late")
    assert (f.sheet, f.row, f.column) == ("Sessions", 2, "Date") and "15 days" in f.message


def test_no_initial_session_yet_points_at_the_concern_date():
    [f] = found(network(settings_=CONCERN), "initial-session-late")
    assert (f.sheet, f.column) == ("Network", "Date concern identified") and f.row == 5  # 4th field
    assert found(network(settings_=CONCERN), "initial-session-late", as_of=D(2026, 8, 15)) == []
    assert found(network(), "initial-session-late") == []  # no concern date: nothing to judge


def test_multiagency_session_within_14_days_of_the_internal_one():
    internal = session(D(2026, 8, 10), "Internal mapping")
    assert found(network(sessions=(internal, session(D(2026, 8, 24), "Multi-agency mapping"))),
                 "multiagency-session-late") == []
    [f] = found(network(sessions=(internal, session(D(2026, 8, 25), "Multi-agency mapping"))),
                "multiagency-session-late")
    assert f.row == 3
    assert len(found(network(sessions=(internal,)), "multiagency-session-late")) == 1


def test_subject_list_seven_days_ahead():
    ok = session(D(2026, 9, 8), "Review", **{"Subject list sent": D(2026, 9, 1)})
    late = session(D(2026, 9, 8), "Review", **{"Subject list sent": D(2026, 9, 2)})
    assert found(network(sessions=(ok,)), "list-sent-late") == []
    assert [f.column for f in found(network(sessions=(late,)), "list-sent-late")] == ["Subject list sent"]


def test_minutes_within_14_days():
    held = D(2026, 9, 1)
    assert found(network(sessions=(session(held, "Review", **{"Minutes uploaded": D(2026, 9, 15)}),)),
                 "minutes-late") == []
    assert len(found(network(sessions=(session(held, "Review", **{"Minutes uploaded": D(2026, 9, 16)}),)),
                     "minutes-late")) == 1
    assert found(network(sessions=(session(held, "Review"),)), "minutes-late", as_of=D(2026, 9, 15)) == []
    assert len(found(network(sessions=(session(held, "Review"),)), "minutes-late", as_of=D(2026, 9, 16))) == 1


def test_review_overdue_after_the_review_period_unless_closed():
    net = network(sessions=(session(D(2026, 7, 1), "Review"),))
    assert found(net, "review-overdue") == []  # due 01/10/2026, today
    assert len(found(net, "review-overdue", as_of=D(2026, 10, 2))) == 1
    closed = network(sessions=(session(D(2026, 1, 1), "Closure"),), settings_={"Status": "Closed"})
    assert found(closed, "review-overdue") == []


def test_a_booked_session_once_its_day_has_passed_asks_whether_it_was_held():
    booked = session(D(2026, 9, 30), "Review", Status="Booked")
    [f] = found(network(sessions=(booked,)), "booked-session-passed")
    assert (f.sheet, f.row, f.column) == ("Sessions", 2, "Status") and "30/09/2026" in f.message
    assert found(network(sessions=(booked,)), "booked-session-passed", as_of=D(2026, 9, 30)) == []  # on the day
    for status in ("Held", "Cancelled", None):
        assert found(network(sessions=(session(D(2026, 9, 30), "Review", Status=status),)),
                     "booked-session-passed") == []


def test_a_session_marked_held_before_its_date_is_a_slip():
    [f] = found(network(sessions=(session(D(2026, 10, 8), "Review", Status="Held"),)), "held-session-ahead")
    assert f.column == "Status" and "08/10/2026" in f.message
    assert found(network(sessions=(session(D(2026, 10, 1), "Review", Status="Held"),)), "held-session-ahead") == []
    assert found(network(sessions=(session(D(2026, 10, 8), "Review", Status="Booked"),)),
                 "held-session-ahead") == []


def test_only_held_sessions_are_late_with_minutes_or_set_the_review():
    """A session booked (or cancelled) is not held: no minutes are due for it, and it sets no next review."""
    for status in ("Booked", "Cancelled"):
        assert found(network(sessions=(session(D(2026, 9, 1), "Review", Status=status),)), "minutes-late") == []
        held_then_not = network(sessions=(session(D(2026, 6, 1), "Review"),
                                          session(D(2026, 9, 1), "Review", Status=status)))
        assert len(found(held_then_not, "review-overdue")) == 1  # due 01/09, from the June session
    assert found(network(sessions=(session(D(2026, 6, 1), "Review"), session(D(2026, 9, 1), "Review"))),
                 "review-overdue") == []


def test_a_closed_network_is_said_closed_and_followed_up_no_more():
    stale = link(**{"Last seen": D(2026, 1, 1), "First recorded": D(2026, 1, 1), "Evidence": "Anecdotal"})
    gap = {"ID": "G01", "Question": "Who is the driver?", "Due": D(2026, 9, 1)}
    kept = {"ID": "L09", "From": "S01", "To": "Nobody here"}  # an error in the record is still one
    settings_ = {"Status": "Closed", "Closed on": D(2026, 9, 20)}
    open_ = {f.rule for f in run_checks(network(links=(stale, kept), gaps=(gap,)), AS_OF)}
    closed = run_checks(network(links=(stale, kept), gaps=(gap,), settings_=settings_), AS_OF)
    assert {"stale-link", "anecdotal-link", "overdue-gap", "unknown-endpoint"} <= open_
    assert "network-closed" not in open_
    [said] = [f for f in closed if f.rule == "network-closed"]
    assert "20/09/2026" in said.message and said.severity == "info"
    assert not {f.rule for f in closed} & FOLLOW_UP
    assert "unknown-endpoint" in {f.rule for f in closed}


def test_a_cancelled_booking_does_not_quiet_the_review_after_an_incident():
    incident = {"ID": "I01", "Date": D(2026, 9, 20), "What happened": "Stabbing", "Significant": "Yes"}
    last = session(D(2026, 9, 1), "Review")
    for status, fires in (("Booked", 0), (None, 0), ("Cancelled", 1)):
        net = network(sessions=(last, session(D(2026, 10, 20), "Review", Status=status)), incidents=(incident,))
        assert len(found(net, "review-after-incident")) == fires, status


# --- decision support -------------------------------------------------------------------


def group(n, risk="Medium", evidence="Evidenced", relationship="Friend", high=1, nature="Risky"):
    people = tuple({"ID": f"S{i:02d}", "Name": f"YP {i}", "Type": "Young person", "Allocated worker": "SW",
                    "Risk level": "High" if i <= high else risk} for i in range(1, n + 1))
    chain = tuple(link(ID=f"L{i:02d}", From=f"S{i:02d}", To=f"S{i + 1:02d}", Evidence=evidence,
                       Relationship=relationship, Nature=nature) for i in range(1, n))
    return network(subjects=people, links=chain)


def test_peer_assessment_for_three_clearly_linked_young_people_with_high_risk():
    [f] = found(group(3), "consider-peer-assessment")
    assert "3 young people" in f.message and "1 is at high risk" in f.message and f.id == "S01"
    assert found(group(2), "consider-peer-assessment") == []
    assert found(group(3, high=0), "consider-peer-assessment") == []
    assert found(group(3, evidence="Anecdotal"), "consider-peer-assessment") == []
    assert found(group(3, relationship="Sibling"), "consider-peer-assessment") == []
    assert found(group(3, nature="Protective"), "consider-peer-assessment") == []
    assert "links L01, L02" in f.message and "(YP 1, YP 2, YP 3)" in f.message


def test_context_assessment_for_a_place_linked_to_three_young_people_of_concern():
    people = group(3).subjects
    subjects = tuple({"ID": i, "Name": f"YP {i}", "Type": "Young person", "Risk level": "Medium"}
                     for i in people["id"])
    park = {"ID": "C01", "Name": "Park", "Type": "Park or open space", "Nature": "Mixed"}
    seen = tuple(link(ID=f"L{n}", From=i, To="C01", Relationship="Seen at", Nature="Risky")
                 for n, i in enumerate(people["id"]))
    [f] = found(network(subjects=subjects, contexts=(park,), links=seen), "consider-context-assessment")
    assert f.id == "C01" and "3 young people" in f.message
    assert found(network(subjects=subjects, contexts=(park,), links=seen[:2]), "consider-context-assessment") == []
    assert found(network(subjects=subjects, contexts=({**park, "Nature": "Protective"},), links=seen),
                 "consider-context-assessment") == []
    attends = tuple({**one, "Relationship": "Attends", "Nature": "Protective"} for one in seen)
    assert found(network(subjects=subjects, contexts=(park,), links=attends), "consider-context-assessment") == []


def test_key_individual_leads_two_or_connects_the_network():
    leader = tuple(link(ID=f"L{i}", From="S02", To=f"S0{i}", Influence="From leads") for i in (1, 3))
    c = {"ID": "S03", "Name": "Male C", "Type": "Young person"}
    f = found(network(subjects=(A, B, c), links=leader), "key-individual")
    assert [x.id for x in f] == ["S02"] and "leading 2 people" in f[0].message
    assert "recorded routes between others" in f[0].message and "%" not in f[0].message
    one = found(network(subjects=(A, B, c), links=leader[:1]), "key-individual")
    assert all("leads" not in x.message for x in one)


def test_bridge():
    c = {"ID": "S03", "Name": "Male C", "Type": "Young person"}
    more = ({"ID": "S04", "Name": "Male D", "Type": "Young person"}, {"ID": "S05", "Name": "Male E", "Type": "Adult"})
    chain = (GOOD_LINK, link(ID="L02", From="S02", To="S03"), link(ID="L03", From="S01", To="S04"),
             link(ID="L04", From="S03", To="S05"))
    [f] = found(network(subjects=(A, B, c, *more), links=chain), "bridge")
    assert f.id == "S02" and ("only recorded link between one part of the network (Male A, Male D) and another "
                              "(Male C, Male E)") in f.message and "together" not in f.message
    assert found(network(subjects=(A, B, c), links=chain[:2]), "bridge") == []  # only a lone person hangs off
    triangle = chain + (link(ID="L05", From="S03", To="S01"),)
    assert found(network(subjects=(A, B, c, *more), links=triangle), "bridge") == []


def test_protective_relationship_when_current():
    hub = link(To="C01", Relationship="Attends", Nature="Protective")
    assert [f.id for f in found(network(links=(hub,)), "protective-relationship")] == ["L01"]
    stale = {**hub, "Last seen": D(2025, 1, 1), "First recorded": D(2025, 1, 1)}
    assert found(network(links=(stale,)), "protective-relationship") == []


# --- never crash ---------------------------------------------------------------------------

messy = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(), st.text(max_size=30),
                  st.dates(), st.sampled_from(["S01", "S02", "C01", "male a", "Unknown adult male", "=A1",
                                               "3", "Anecdotal", "Removed", "Historic", "From leads", "x" * 3000]))


def messy_rows(sheet, n):
    return st.lists(st.fixed_dictionaries({c.header: messy for c in sheet.columns}), max_size=n)


@settings(max_examples=150, deadline=None)
@given(subjects=messy_rows(schema.SUBJECTS, 5), contexts=messy_rows(schema.CONTEXTS, 3),
       links=messy_rows(schema.LINKS, 8), gaps=messy_rows(schema.GAPS, 3), actions=messy_rows(schema.ACTIONS, 3),
       sessions=messy_rows(schema.SESSIONS, 3), contacts=messy_rows(schema.CONTACTS, 2),
       settings_=st.fixed_dictionaries({"Date concern identified": messy, "Stale after (days)": messy,
                                        "Review every (months)": messy, "Home borough": messy, "Status": messy}))
def test_messy_data_never_crashes_the_checks(subjects, contexts, links, gaps, actions, sessions, contacts, settings_):
    net = network(subjects=subjects, contexts=contexts, links=links, gaps=gaps, actions=actions,
                  sessions=sessions, contacts=contacts, settings_=settings_)
    for f in run_checks(net, AS_OF):
        assert f.message and f.sheet and f.severity in ("error", "warning", "info")


def test_network_settings_out_of_range_are_reported_and_the_usual_value_used():
    net = network(settings_={"Review every (months)": 1_000_000, "Stale after (days)": -5},
                  sessions=(session(D(2026, 1, 1), "Review"),))
    assert net.settings["review_every_months"] == 3 and net.settings["stale_after_days"] == 90
    assert {(f.sheet, f.column) for f in found(net, "invalid-value")} == {
        ("Network", "Review every (months)"), ("Network", "Stale after (days)")}
    assert len(found(net, "review-overdue")) == 1


# --- names -----------------------------------------------------------------

RICO = {"ID": "S03", "Name": 'Unknown adult male ("Rico")', "Type": "Adult", "Known as": "Bigz"}


def test_a_link_typed_by_a_known_as_is_taken_to_be_them_and_said_so():
    net = network(subjects=(A, B, RICO), links=(GOOD_LINK, link(ID="L02", To="Rico"), link(ID="L03", To="bigz")))
    said = found(net, "named-by-other-name")
    assert [(f.id, f.column) for f in said] == [("L02", "To"), ("L03", "To")]
    assert said[0].severity == "info" and "S03" in said[0].message and "Known as" in said[0].message
    assert found(net, "unknown-endpoint") == []  # resolved, not "names nobody"
    picked = network(subjects=(A, B, RICO), links=(GOOD_LINK, link(ID="L02", To='Unknown adult male ("Rico") (S03)'),
                                                   link(ID="L03", To="S03")))
    assert found(picked, "named-by-other-name") == []


def test_a_first_name_only_one_person_has_is_said_so():
    kai = {**A, "Name": "Kai Thompson"}
    [said] = found(network(subjects=(kai, B), links=(link(From="Kai"),)), "named-by-other-name")
    assert (said.id, said.column) == ("L01", "From") and "first name" in said.message
    assert found(network(subjects=(kai, B), links=(link(From="Kai Thompson"),)), "named-by-other-name") == []


def test_a_contact_invited_who_is_on_the_map_is_a_warning():
    coach = {"ID": "S03", "Name": "Dean Walsh", "Type": "Adult", "Role in group": None}
    contact = {"ID": "K01", "Name": "dean  walsh (boxing coach)", "Role": "Coach", "Invite to": "Review", "For": "S01"}
    net = network(subjects=(A, B, coach), contacts=(contact,))
    [f] = found(net, "invited-subject")
    assert (f.sheet, f.id, f.column, f.severity) == ("Contacts", "K01", "Invite to", "warning") and "S03" in f.message
    assert found(network(subjects=(A, B, coach), contacts=({**contact, "Invite to": None},)), "invited-subject") == []
    assert found(network(subjects=(A, B, {**coach, "Status": "Removed"}), contacts=(contact,)), "invited-subject") == []


def test_a_known_as_two_people_share_is_asked_about_not_said_to_be_one():
    twin = {"ID": "S04", "Name": "Male D", "Type": "Adult", "Known as": "Bigz"}
    net = network(subjects=(A, B, RICO, twin), links=(GOOD_LINK, link(ID="L02", To="Bigz")))
    assert found(net, "named-by-other-name") == [] and [f.id for f in found(net, "ambiguous-endpoint")] == ["L02"]


def test_a_subject_list_is_never_due_before_the_concern_was_identified():
    """A first session three days after the concern: its list is due the day the concern was identified, not
    four days before it (a practitioner's case: "due 7 days ago" before anyone knew)."""
    first = session(D(2026, 8, 4), "Internal mapping")
    [f] = found(network(settings_=CONCERN, sessions=(first,)), "subject-list-due", as_of=D(2026, 8, 2))
    assert "was due 1 day ago (01/08/2026)" in f.message
    [f] = found(network(sessions=(first,)), "subject-list-due", as_of=D(2026, 8, 2))  # no concern date: a week
    assert "(28/07/2026)" in f.message
