"""The VBA project the workbook carries: its source (excel.py: the PeerMap module, buttons, ribbon) and its
binary form (vba.py). Before `book`, because a workbook write keeps peermap's project (book/vba_modules.py)."""
