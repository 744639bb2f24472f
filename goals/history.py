"""A goal's history as a chart, drawn by the one chart module (core/charts/).

The person's own rating (0 to 10) is a solid line against the left scale; the Goal
Attainment Scaling level (-2 to +2), where there is one, a dashed line against the right
scale. Time runs left to right in proportion. The numbers are also in a table beside the
chart, and the chart's title and description say what it shows in words.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.charts import BLUE, PURPLE, Chart, Scale, TimeLineSpec, day, time_chart

from .models import CLOSENESS_MAX, GAS_MAX, GAS_MIN, Review


def history_chart(reviews: Sequence[Review]) -> Chart | None:
    """The chart for reviews in time order; None when there is nothing to draw."""
    if not reviews:
        return None
    rated = [review for review in reviews if review.gas is not None]
    closeness = TimeLineSpec(
        _("Their rating, 0 to 10 (left)"),
        BLUE,
        "",
        "circle",
        [(review.reviewed_at, review.closeness) for review in reviews],
    )
    levels = TimeLineSpec(
        _("Level in their words, -2 to +2 (right, dashed)"),
        PURPLE,
        "6 4",
        "square",
        [(review.reviewed_at, review.gas) for review in rated if review.gas is not None],
        on_right=True,
    )
    return time_chart(
        "goal-history",
        title=_("How close they feel to this goal, over time"),
        description=_describe(reviews, rated),
        lines=[closeness, levels] if rated else [closeness],
        left=Scale(0, CLOSENESS_MAX, [(value, str(value)) for value in (0, 5, 10)]),
        right=Scale(GAS_MIN, GAS_MAX, [(value, f"{value:+d}") for value in (GAS_MIN, 0, GAS_MAX)]),
    )


def _describe(reviews: Sequence[Review], rated: Sequence[Review]) -> str:
    first, last = reviews[0], reviews[-1]
    if len(reviews) == 1:
        text = _("One review, on %(day)s: %(rating)d out of 10.") % {
            "day": day(first.reviewed_at),
            "rating": first.closeness,
        }
    else:
        text = _("%(count)d reviews from %(first_day)s to %(last_day)s: from %(first)d to %(last)d out of 10.") % {
            "count": len(reviews),
            "first_day": day(first.reviewed_at),
            "last_day": day(last.reviewed_at),
            "first": first.closeness,
            "last": last.closeness,
        }
    if rated:
        text += " " + _("Goal attainment level (dashed line, -2 to +2): from %(first)+d to %(last)+d.") % {
            "first": rated[0].gas,
            "last": rated[-1].gas,
        }
    return text
