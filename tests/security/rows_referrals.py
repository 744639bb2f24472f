"""Access rows for referrals outside Log a contact: a referral's page and update, a referral
noted on its own, and the follow-ups lists."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from encounters.models import Referral, ReferralUpdate

from .matrix import Row, scoped_object, team_page

DENIED = {"data_admin": 403, "system_admin": 403, "anonymous": 302}


def referral(o: dict[str, Any]) -> list[str]:
    return [str(o["referral"].pk)]


def new_path(o: dict[str, Any]) -> str:
    return reverse("encounters:referral_new", args=[o["person"].code])


ROWS = [
    scoped_object("encounters:referral_detail", lambda o: reverse("encounters:referral_detail", args=referral(o))),
    Row(
        "encounters:referral_update",
        "post",
        lambda o: reverse("encounters:referral_update", args=referral(o)),
        {"worker": 302, "supervisor": 302, "outsider": 404, "other_supervisor": 404, **DENIED},
        {"status": "attended"},
    ),
    scoped_object("encounters:referral_new", new_path),
    Row(
        "encounters:referral_new",
        "post",
        new_path,
        {"worker": 302, "supervisor": 302, "outsider": 404, "other_supervisor": 404, **DENIED},
        {"to": "housing", "status": "suggested"},
    ),
    team_page("encounters:followups_mine"),
    team_page("encounters:followups_team"),
]

WRONG_METHOD = [
    ("encounters:referral_detail", "post", lambda o: reverse("encounters:referral_detail", args=referral(o))),
    ("encounters:referral_update", "get", lambda o: reverse("encounters:referral_update", args=referral(o))),
    ("encounters:referral_new", "put", new_path),
    ("encounters:followups_mine", "post", lambda o: reverse("encounters:followups_mine")),
    ("encounters:followups_team", "delete", lambda o: reverse("encounters:followups_team")),
]


def objects(base: dict[str, Any]) -> dict[str, Any]:
    person, worker = base["person"], base["encounter"].worker
    follow_up_on = timezone.localdate() + timedelta(days=2)
    made = Referral.objects.create(
        client=person,
        team_id=person.home_team_id,
        to="housing",
        status="made",
        follow_up_on=follow_up_on,
        created_by=worker,
    )
    ReferralUpdate.objects.create(referral=made, status="made", follow_up_on=follow_up_on, by=worker)
    return {"referral": made}
