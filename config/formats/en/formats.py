"""English dates: one style everywhere, `6 Dec 2026` (and `6 Dec 2026, 14:30` with the time).

Django's own English formats mix `Dec. 6, 2026` and `12/06/2026`; a worker reads both as a
different thing, and `12/03` is a different day in the US and everywhere else. Templates use
the filters in core/templatetags/dates.py, which read these names. Form inputs keep ISO
dates (DATE_INPUT_FORMATS are Django's).
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
