"""The macro-enabled workbook template, built from code (`python -m peermap_xl.xlsm.template`)."""
