"""The documents peermap writes: the minutes of a session and the subject list for invitees.

Every section is a small function of one `Meeting` (the network as it was at the
session, seen through one redacting `labels.View`); `word.py` writes the .docx.
"""

from peermap_xl.minutes.blocks import Banner, Bullets, Heading, Para, Picture, Table
from peermap_xl.minutes.figure import FIGURE_ONE_ROWS, figure_one
from peermap_xl.minutes.meeting import Meeting, file_name, pick_session, title
from peermap_xl.minutes.sections import CONSIDER, SECTIONS, content, render
from peermap_xl.minutes.sheet import PREVIEW_WIDTHS, to_rows
from peermap_xl.minutes.subject_list import invite_content, invite_file_name
from peermap_xl.minutes.word import to_docx

__all__ = ["Banner", "Bullets", "CONSIDER", "FIGURE_ONE_ROWS", "Heading", "Meeting", "PREVIEW_WIDTHS", "Para",
           "Picture",
           "SECTIONS", "Table", "content", "figure_one", "file_name", "invite_content", "invite_file_name",
           "pick_session", "render", "title", "to_docx", "to_rows"]
