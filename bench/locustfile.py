"""The people who use Alongside, as Locust users, for `make loadtest` (bench/loadtest.py).

Each simulated person takes a session prepared for them (bench/loadtest_setup.py: a real
session row for a seeded user, as signing in leaves it, so the test measures a working day
and not the sign-in's password hashing) and then, with 1 to 3 seconds of thought between
steps:

- an outreach worker (most users): searches for a person, opens a person's page, logs a
  contact (opens the form, then saves it with a fresh id), now and then the start page;
- a supervisor: the team dashboard, the people list;
- a data admin (one): the organisation view, and one anonymised export, followed until done.

`FaultWorker` is the worker of the fault run: every contact it logs carries its own id and a
marker in its note, and a failed save (an error page, a refused or cut connection) is sent
again with the same id until it is stored or two minutes have passed, as the app's offline
outbox does. What it sent is written to LOADTEST_SENT when the run ends, so bench/loadtest.py
can count in the database what was lost or doubled.

Never run by the test suite. The plan (sessions, people's codes, sites, URLs) comes from
LOADTEST_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from datetime import UTC, datetime
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN: dict[str, Any] = json.loads(open(os.environ["LOADTEST_PLAN"]).read())  # noqa: SIM115, PTH123
URLS: dict[str, str] = PLAN["urls"]
SEARCHES = PLAN["searches"]
_sessions = {role: itertools.cycle(PLAN[role]) for role in ("workers", "supervisors", "data_admins")}
SENT: dict[str, dict[str, Any]] = {}  # FaultWorker: id -> {"stored": bool, "tries": int}
RETRY_FOR = 120.0  # seconds a contact is retried before the simulated phone gives up


def cookie(name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {})


class Person(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self) -> None:
        self.me = next(_sessions[self.role])
        self.csrf = uuid.uuid4().hex  # a CSRF secret of our own, sent as cookie and header
        self.client.cookiejar.set_cookie(cookie(PLAN["session_cookie"], self.me["session"]))
        self.client.cookiejar.set_cookie(cookie(PLAN["csrf_cookie"], self.csrf))

    def post(self, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """A form POST (a list value: the field repeated, as a browser sends checkboxes)."""
        fields = [(k, item) for k, v in data.items() for item in (v if isinstance(v, list) else [v])]
        headers = {"X-CSRFToken": self.csrf, "Referer": f"{self.host}{url}", **kwargs.pop("headers", {})}
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.client.post(url, data=urlencode(fields), headers=headers, allow_redirects=False, **kwargs)


class Worker(Person):
    weight = 17
    role = "workers"

    @task(4)
    def search(self) -> None:
        self.post(URLS["search"], {"q": random.choice(SEARCHES)}, headers={"HX-Request": "true"}, name="search")

    @task(3)
    def person_page(self) -> None:
        code = random.choice(self.me["people"])
        self.client.get(URLS["person"].format(code=code), name="person page")

    @task(2)
    def log_contact(self) -> None:
        self.client.get(URLS["log"], name="log a contact (form)")
        with self.post(URLS["log"], self.contact(), name="log a contact (save)", catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"not saved: {answer.status_code}")

    @task(1)
    def home(self) -> None:
        self.client.get(URLS["home"], name="start page")

    def contact(self, contact_id: str | None = None, note: str = "") -> dict[str, str]:
        return {
            "id": contact_id or str(uuid.uuid4()),
            "who": random.choice(self.me["people"]),
            "head_count": "1",
            "happened_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),  # the cluster runs in UTC
            "site": self.me["site"],
            "kind": "street",
            "service_sterile-syringes": "10",
            "service_naloxone-kit": "1",
            "note": note,
        }


class Supervisor(Person):
    weight = 2
    role = "supervisors"

    @task(3)
    def dashboard(self) -> None:
        self.client.get(URLS["dashboard"], name="team dashboard")

    @task(1)
    def people(self) -> None:
        self.client.get(URLS["search"], name="people list")


class DataAdmin(Person):
    fixed_count = 1
    role = "data_admins"

    def on_start(self) -> None:
        super().on_start()
        self.export: str | None = None
        self.exported = False

    @task
    def organisation_or_export(self) -> None:
        if self.export is None and not self.exported:
            answer = self.post(URLS["export_start"], PLAN["export_form"], name="export (start)")
            location = answer.headers.get("Location") if answer.status_code == 302 else None
            self.export = location
            self.exported = True
        elif self.export is not None:
            page = self.client.get(self.export, name="export (follow)")
            if page.status_code == 200 and URLS["export_done_marker"] in (page.text or ""):
                self.export = None
        else:
            self.client.get(URLS["organisation"], name="organisation view")


class FaultWorker(Worker):
    """Logs contacts through the faults, retrying each with its own id until it is stored."""

    weight = 17

    @task(6)
    def log_contact(self) -> None:
        contact_id = str(uuid.uuid4())
        data = self.contact(contact_id, note=f"fault run {contact_id}")
        # What the phone's outbox keeps until the contact is stored (bench/loadtest.py sends
        # again whatever a run's end cut short, as the outbox does when the phone is back).
        SENT[contact_id] = {"stored": False, "tries": 0, "data": data, "session": self.me["session"]}
        given_up_at = time.monotonic() + RETRY_FOR
        while time.monotonic() < given_up_at:
            SENT[contact_id]["tries"] += 1
            with self.post(URLS["log"], data, name="fault: log a contact", catch_response=True) as answer:
                if answer.status_code == 302:
                    SENT[contact_id]["stored"] = True
                    return
                answer.failure(f"retrying: {answer.status_code}")
            time.sleep(0.5)


@events.quitting.add_listener
def write_sent(environment: Any, **kwargs: Any) -> None:
    path = os.environ.get("LOADTEST_SENT")
    if path and SENT:
        with open(path, "w") as out:  # noqa: PTH123
            json.dump(SENT, out)
