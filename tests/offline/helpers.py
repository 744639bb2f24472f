"""Queue a contact as the phone does: Log a contact's form fields, sealed to the server."""

import json
import uuid
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from encounters.models import Site
from offline.models import Device
from offline.seal import seal


def fields(who: str, site: Site | None, **extra: str) -> dict[str, str]:
    data = {
        "id": str(uuid.uuid4()),
        "who": who,
        "head_count": "1",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "site": str(site.pk) if site else "",
        "kind": "street",
    }
    return {**data, **extra}


def queued(user: User, data: dict[str, str]) -> dict[str, Any]:
    """An outbox item: the contact's id beside its sealed submission."""
    pairs = [[name, value] for name, value in data.items()]
    return {"id": data["id"], "sealed": seal({"user": user.pk, "fields": pairs})}


def viewed(user: User, code: str, at: str) -> dict[str, Any]:
    return seal({"user": user.pk, "code": code, "at": at, "id": str(uuid.uuid4())})


def sync(http: HttpClient, device: Device, items: list[Any], views: list[Any] | None = None) -> Any:
    body = json.dumps({"items": items, "views": views or []})
    return http.post(reverse("offline:sync", args=[device.pk]), body, content_type="application/json")
