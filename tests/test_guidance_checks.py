"""Checks the guidance implies (issue 27): a question with no due date, a Direct work answer off its list, Direct
work with no Date; and the young person's own map dated by that Date, or saying it has none. Fire/quiet pairs."""

import datetime as dt

import pandas as pd

from peermap_xl.draw import ego
from tests.test_checks import AS_OF, found, network

D = dt.date


def gap(**changes):
    return {"ID": "G01", "Question": "Who is the adult at the flat?", "About": "S01", "Assigned to": "PC",
            "Raised on": D(2026, 9, 1), "Due": D(2026, 10, 20), "Status": "Open", **changes}


def work(**changes):
    return {"Young person": "S01", "Peer": "Leah", "Closeness": 1, "Influence": "Positive",
            "Would help if in trouble": "Yes", "Date": D(2026, 9, 29), **changes}


def test_an_open_question_with_no_due_date_is_found():
    [f] = found(network(gaps=(gap(Due=None),)), "undated-gap")
    assert f.id == "G01" and f.column == "Due" and f.message.startswith("The Due cell of question G01 is empty")
    assert found(network(gaps=(gap(),)), "undated-gap") == []
    assert found(network(gaps=(gap(Due=None, Status="Answered"),)), "undated-gap") == []


def test_a_would_help_answer_off_yes_or_no_is_found():
    [f] = found(network(direct_work=(work(**{"Would help if in trouble": "Not sure"}),)), "direct-work-off-list")
    assert f.column == "Would help if in trouble" and "\"Not sure\"" in f.message and "Yes or No" in f.message
    for fine in ("Yes", "no", "Y", None, " "):
        assert found(network(direct_work=(work(**{"Would help if in trouble": fine}),)),
                     "direct-work-off-list") == [], fine


def test_an_influence_off_its_list_is_an_invalid_value():
    [f] = found(network(direct_work=(work(Influence="Sometimes"),)), "invalid-value")
    assert f.sheet == "Direct work" and f.column == "Influence"
    assert found(network(direct_work=(work(),)), "invalid-value") == []


def test_direct_work_with_no_date_is_found():
    [f] = found(network(direct_work=(work(Date=None),)), "undated-direct-work")
    assert f.column == "Date" and "own map is dated by it" in f.message
    assert found(network(direct_work=(work(),)), "undated-direct-work") == []


def test_the_own_map_is_dated_by_the_direct_work_not_the_day_it_is_drawn():
    drawn_on = AS_OF
    dated = pd.DataFrame({"date": [pd.Timestamp(2026, 9, 29), pd.Timestamp(2026, 9, 29)]})
    assert ego.dated(dated, drawn_on).endswith("Direct work of 29/09/2026")
    assert f"{drawn_on:%d/%m/%Y}" not in ego.dated(dated, drawn_on)
    mixed = pd.DataFrame({"date": [pd.Timestamp(2026, 9, 1), pd.NaT, pd.Timestamp(2026, 9, 29)]})
    assert ego.dated(mixed, drawn_on).endswith("Direct work of 01/09/2026 to 29/09/2026 (1 row with no Date)")
    undated = pd.DataFrame({"date": [pd.NaT]})
    assert "The direct work has no Date (map drawn 01/10/2026)" in ego.dated(undated, drawn_on)


def test_a_date_typed_month_first_is_offered_the_other_way_round():
    from peermap_xl.contract.domain import month_first
    from tests.test_checks import link

    [f] = found(network(links=(link(**{"Last seen": "09/23/2026"}),)), "invalid-date")
    assert f.message == ("The Last seen cell does not hold a date: \u201c09/23/2026\u201d reads only month first. "
                         "Is it 23/09/2026? Type dates as dd/mm/yyyy.")
    [other] = found(network(links=(link(**{"Last seen": "31/02/2026"}),)), "invalid-date")
    assert "Is it" not in other.message and other.message.endswith("type it as dd/mm/yyyy.")
    assert [month_first(t) for t in ("09/23/2026", "9-23-26", "23/09/2026", "02/30/2026", "soon")] == [
        "23/09/2026", "23/09/2026", None, None, None]
