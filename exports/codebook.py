"""The codebook.json and README.txt written into every export, and the rules the page shows.

One source for the privacy rules' wording: the export page, the codebook and the README
all read `rules()`, so what a data admin is told before starting is what the file says.
"""

import json
from typing import Any

from django.utils.translation import gettext as _

from exports.models import Export
from privacy.rules import L_DIVERSITY, PROTECTION_INTERVAL

from .aggregate import SMALL_MARK, WITHHELD_MARK, meanings
from .datasets import AGGREGATE, AGGREGATE_DESCRIPTION, ROW_LEVEL
from .privacy import ALL_AREAS, K_MIN, NOT_RECORDED
from .summary import plain_words


def rules(*, k: int, period: str) -> list[str]:
    unit = _("months") if period == Export.Period.MONTH else _("quarters")
    generalised = (
        _("its period becomes the quarter, then its area becomes “%(all)s”") % {"all": ALL_AREAS}
        if period == Export.Period.MONTH
        else _("its area becomes “%(all)s”") % {"all": ALL_AREAS}
    )
    return [
        _("No names, aliases, codes, descriptions, notes or any other free text, and no staff."),
        _(
            "No row links to a person: there is no pseudonym, so rows cannot be joined into a person's "
            "history, within this export or with any other."
        ),
        _("Dates are given as %(unit)s.") % {"unit": unit},
        _(
            "Year of birth becomes a 10-year age band at the date of the row, with 90+ on top; anonymous "
            "contacts keep the rough age band recorded with them."
        ),
        _("Sites become their area; anonymous contacts are kept with their head counts."),
        _(
            "Every combination of age band, gender, area and period is shared by at least %(k)s people "
            "(distinct registered people: an anonymous contact's head count never counts). A row in a "
            "smaller group is generalised (%(generalised)s) and only then left out. An overdose "
            "response's outcome and a check-in's total take at least 2 values in every group."
        )
        % {"k": k, "generalised": generalised},
        _(
            "Tests: only the calendar quarters the period covers whole, dates as quarters and every area "
            "together, whatever is chosen above. Each team's tests of one age band, gender, quarter and test "
            "are a group judged on its own: kept only when at least %(k)s people and at least %(l)s different "
            "results are in it; where the groups left out would all share one result, one more group is left out."
        )
        % {"k": k, "l": L_DIVERSITY},
        _(
            "Aggregate report: the organisation view's figures, by month and by each calendar quarter and "
            "year the months cover whole, with each team's too (the view shows the safer-use topics and "
            "vaccine doses for the whole organisation only; here they come per team as well, protected "
            "the same way). Counts are rounded (each within %(interval)s of the true value, "
            "always the same for the same records); counts of 1 to 10 show as “%(small)s”; a figure is "
            "“%(withheld)s” where it would let a smaller number be worked out, or where fewer than 11 "
            "people, or one or two people, account for a quantity. Means and shares come from the "
            "rounded counts and need at least 11 people."
        )
        % {"interval": f"±{PROTECTION_INTERVAL}", "small": SMALL_MARK, "withheld": WITHHELD_MARK},
        _("Text that a spreadsheet would read as a formula starts with an apostrophe."),
        _("“%(value)s” means the value was never recorded.") % {"value": NOT_RECORDED},
    ]


def codebook(export: Export, *, team_names: list[str], summary: dict[str, Any]) -> dict[str, Any]:
    datasets: dict[str, Any] = {}
    for key in export.datasets:
        entry = summary.get(key, {})
        if key == AGGREGATE:
            datasets[key] = {
                "file": entry.get("file"),
                "description": str(AGGREGATE_DESCRIPTION),
                "rows": entry.get("rows", 0),
                "columns": meanings(),
                "privacy": entry.get("privacy", {}),
            }
            continue
        dataset = ROW_LEVEL[key]
        datasets[key] = {
            "file": entry.get("file"),
            "description": str(dataset.description),
            "rows": entry.get("rows", 0),
            "columns": {column.name: str(column.meaning) for column in dataset.columns()},
            "privacy": entry.get("privacy", {}),
        }
    return {
        "export": {
            "id": str(export.pk),
            "made_at": export.finished_at.isoformat() if export.finished_at else None,
            "from_month": f"{export.first_month:%Y-%m}",
            "to_month": f"{export.last_month:%Y-%m}",
            "dates_as": export.period,
            "teams": team_names,
            "format": export.format,
            "k": export.k,
            "k_minimum": K_MIN,
        },
        "privacy_rules": rules(k=export.k, period=export.period),
        "datasets": datasets,
    }


def codebook_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def readme(data: dict[str, Any]) -> bytes:
    lines = [
        _("Anonymised export from Alongside"),
        "",
        _("Period: %(first)s to %(last)s. Teams: %(teams)s.")
        % {
            "first": data["export"]["from_month"],
            "last": data["export"]["to_month"],
            "teams": ", ".join(data["export"]["teams"]),
        },
        "",
        _("Privacy rules applied:"),
        *[f"- {rule}" for rule in data["privacy_rules"]],
        "",
        _("Files (codebook.json explains every column and gives each file's privacy summary):"),
    ]
    for entry in data["datasets"].values():
        privacy = entry.get("privacy", {})
        lines.append(f"- {entry.get('file')}: " + " ".join(plain_words(privacy)))
    lines += [
        "",
        _(
            "Keep this file as you would keep any data about people: share it only under your data sharing "
            "agreement, and delete it when it is no longer needed."
        ),
    ]
    return ("\n".join(lines) + "\n").encode()
