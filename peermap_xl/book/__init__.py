"""Reading and writing workbooks: file.py with openpyxl, live.py inside Excel."""
