"""One date style per language, from the locale (config/formats/<language>/formats.py).

Templates never spell a date format out: `{{ at|day }}` is `6 Dec 2026` (`6 dic 2026` in
Spanish), `{{ at|day_time }}` adds the time (`6 Dec 2026, 14:30`), `{{ month|month }}` is
`Dec 2026`, `{{ day|weekday }}` is `Sunday, 6 Dec 2026`. Datetimes are shown in the
configured time zone (ALONGSIDE_TIME_ZONE). A missing value shows as nothing, so
`|default:` still works after them. These filters are built in (config/settings/base.py).
"""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.formats import get_format

register = template.Library()

When = date | datetime | None


@register.filter(expects_localtime=True)
def day(value: When) -> str:
    return date_filter(value, "DATE_FORMAT") if value else ""


@register.filter(expects_localtime=True)
def day_time(value: When) -> str:
    return date_filter(value, "DATETIME_FORMAT") if value else ""


@register.filter(expects_localtime=True)
def month(value: When) -> str:
    return date_filter(value, "YEAR_MONTH_FORMAT") if value else ""


@register.filter(expects_localtime=True)
def weekday(value: When) -> str:
    return date_filter(value, "l, " + str(get_format("DATE_FORMAT"))) if value else ""
