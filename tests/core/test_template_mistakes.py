"""Template mistakes can't hide (issue 13): in tests, printing a variable that does not exist
fails (config/settings/test.py), where production would print an empty string."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.template import engines

from config.settings.test import UndefinedTemplateVariable
from goals.models import Goal
from tests.goals.factories import GoalFactory


@dataclass
class Row:
    on: date


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_misspelt_name_fails_the_test() -> None:
    """The wellbeing table read `row.at`; the row has `on`: the "When" column was empty."""
    with pytest.raises(UndefinedTemplateVariable, match="row.at"):
        render("<td>{{ row.at|day }}</td>", row=Row(on=date(2026, 12, 6)))
    assert render("<td>{{ row.on|day }}</td>", row=Row(on=date(2026, 12, 6))) == "<td>6 Dec 2026</td>"


def test_a_missing_variable_with_a_default_fails_too() -> None:
    with pytest.raises(UndefinedTemplateVariable, match="missing"):
        render("{{ missing|default:'none' }}")


def test_an_if_on_something_optional_stays_false_as_in_production() -> None:
    assert render("{% if missing %}shown{% else %}not shown{% endif %}") == "not shown"


@pytest.mark.django_db
def test_printing_a_related_object_that_does_not_exist_fails() -> None:
    """A missing one-to-one raises inside the lookup; Django takes it as a value."""
    goal = Goal.objects.select_related("came_from").get(pk=GoalFactory.create().pk)
    with pytest.raises(UndefinedTemplateVariable):
        render("{{ goal.came_from.words }}", goal=goal)
    assert render("{% if goal.changed_from %}from {{ goal.changed_from.words }}{% endif %}", goal=goal) == ""
