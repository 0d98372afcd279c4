"""Makes the .xlsx fixtures of Tests/InputFormats with openpyxl (pip install openpyxl).

scores.xlsx, sheet "Scores": long format with dates stored as Excel serial numbers (date-formatted
cells), one score as text, one out of range; sheet "Wide": one row per client, PHQ9_1..PHQ9_3.
Run: python3 Tests/InputFormats/make_workbook.py (writes next to this script). The expected values of
the tests come from the rows below, not from romtrack.
"""
import datetime
import os

import openpyxl

here = os.path.dirname(os.path.abspath(__file__))
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "Scores"
sheet.append(["client_id", "clinician_id", "instrument", "date", "score"])
rows = [
    ("X1", "dr1", "PHQ9", datetime.date(2026, 9, 1), 18),
    ("X1", "dr1", "PHQ9", datetime.date(2026, 9, 8), 15.5),
    ("X1", "dr1", "PHQ9", datetime.date(2026, 9, 15), "12"),   # a number stored as text
    ("X2", "dr2", "GAD7", datetime.date(2026, 9, 2), 30),      # outside GAD7's 0-21: rejected
    ("X2", "dr2", "GAD7", datetime.date(2026, 9, 9), 9),
]
for client, clinician, instrument, day, score in rows:
    sheet.append([client, clinician, instrument, day, score])
for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
    for cell in row:
        cell.number_format = "DD/MM/YYYY"

wide = book.create_sheet("Wide")
wide.append(["client_id", "PHQ9_1", "PHQ9_2", "PHQ9_3"])
wide.append(["W1", 20, 16, None])
wide.append(["W2", 11, "x", 7])   # "x" in C3: rejected, naming row 3 and column PHQ9_2
book.save(os.path.join(here, "scores.xlsx"))
