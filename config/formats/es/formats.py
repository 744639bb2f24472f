"""Spanish dates: `6 dic 2026` (and `6 dic 2026, 14:30`), months in lower case as Spanish
writes them (`b` is the month's three letters, lower case). See config/formats/en/formats.py.
"""

DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j b"
YEAR_MONTH_FORMAT = "b Y"
TIME_FORMAT = "H:i"
