"""Worksheet functions for the peer-map workbook, through xlwings (UDF Modules: peermap_udfs).

    =PEERMAP_STALE(P2)                 TRUE when the link was last seen longer ago than the network's
                                       Stale after (days); recalculates daily, like TODAY()
    =PEERMAP_STALE(P2, DATE(2026,10,1))    ... as of a date
    =PEERMAP_STALE(P2, , 60)           ... than 60 days, whatever the Network sheet says
    =PEERMAP_GRADE(J2, K2)             the 3x5x2 grading in plain words
    =PEERMAP_REVIEW_DUE(Sessions!B3)   the date the next review is due (3 months on)
    =PEERMAP_LINKS("Male A", Subjects[#All], Contexts[#All], Links[#All])
                                       how many current links Male A has on the map; the tables are
                                       arguments, so Excel recalculates it when Links change

The logic lives in peermap_xl.formulas, where it is tested as plain Python.
"""

import xlwings as xw

from peermap_xl import formulas

#: The defined name over the Network sheet's Stale after (days) value (the template makes it).
STALE_DAYS_NAME = "StaleAfterDays"


def _stale_setting(caller):
    """The calling workbook's Stale after (days), or None (the usual value) when it cannot be found."""
    try:
        return caller.sheet.book.names[STALE_DAYS_NAME].refers_to_range.value
    except Exception:  # no such name, or no workbook behind the call (plain Python)
        return None


@xw.func(volatile=True)
@xw.arg("last_seen", dates=None)
@xw.arg("as_of", dates=None)
def PEERMAP_STALE(last_seen, as_of=None, days=None, caller=None):
    """TRUE when a link last seen on this date is stale: older than the network's Stale after (days), as of today."""
    return formulas.stale(last_seen, days if days not in (None, "") else _stale_setting(caller), as_of)


@xw.func
def PEERMAP_GRADE(source_grade, information_grade):
    """The 3x5x2 grading of a link in plain words."""
    return formulas.grade(source_grade, information_grade)


@xw.func
@xw.ret(date_format="dd/mm/yyyy")
def PEERMAP_REVIEW_DUE(last_session, months=3):
    """The date the next review is due: the last session plus `months` months (3 by default)."""
    return formulas.review_due(last_session, months)


@xw.func
@xw.arg("subjects", ndim=2)
@xw.arg("contexts", ndim=2)
@xw.arg("links", ndim=2)
def PEERMAP_LINKS(name, subjects, contexts, links):
    """How many current links the named person or place has on the map (pass the three tables with [#All])."""
    return formulas.links(formulas.network_of(subjects, contexts, links), name)
