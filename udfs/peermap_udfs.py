"""Worksheet functions for the peer-map workbook, through xlwings (UDF Modules: peermap_udfs).

    =PEERMAP_STALE(P2)                 TRUE when the link was last seen longer ago than 90 days
    =PEERMAP_STALE(P2, 60)             ... than 60 days
    =PEERMAP_GRADE(J2, K2)             the 3x5x2 grading in plain words
    =PEERMAP_REVIEW_DUE(Sessions!B3)   the date the next review is due (3 months on)
    =PEERMAP_LINKS("Male A")           how many current links Male A has on the map

The logic lives in peermap_xl.formulas, where it is tested as plain Python.
"""

import xlwings as xw

from peermap_xl import formulas


@xw.func
@xw.arg("last_seen", dates=None)
def PEERMAP_STALE(last_seen, days=90):
    """TRUE when a link last seen on this date is stale (older than `days`, 90 by default)."""
    return formulas.stale(last_seen, days)


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
def PEERMAP_LINKS(name, caller):
    """How many current links the named person or place has on the map."""
    from peermap_xl.book import live

    return formulas.links(live.read_network(caller.sheet.book), name)
