"""Offline use: the page to turn it on and see one's devices, and the JSON the phone's
offline code talks to (static/js/offline.js). docs/offline.md describes the protocol.

Anonymous requests never reach these (LoginRequiredMiddleware sends them to sign in: a
302 the phone treats as "sign in again", never as success).
"""

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from accounts.decorators import contact_logger
from accounts.roles import is_limited
from accounts.types import AuthenticatedHttpRequest
from core.decorators import public
from core.errors import Invalid
from encounters.forms import ANONYMOUS, Catalogue, EncounterForm, OverdoseForm, ReferralForm
from encounters.forms.supplies import ForOthersForm, ReversalForm, supplies_of
from goals.forms import REVIEW_AT_CONTACT
from goals.models import CLOSENESS_MAX, CLOSENESS_MIN, NOTE_MAX
from health.forms import PANEL_PERSON as HEALTH_PERSON
from health.forms import TestsForm
from health.prevention import TeamVaccine
from health.prevention_forms import PreventionForm, VaccinationsForm
from outcomes.forms import PANEL_PERSON, check_in_forms

from . import seal, services
from .models import Device
from .words import words

SERVICE_WORKER = Path(__file__).with_name("sw.js")
# What the service worker keeps for offline use: the offline Log a contact page and the
# files it needs. Nothing about any person (docs/offline.md).
SHELL_STATIC = [
    "vendor/bootstrap-5.3.9/bootstrap.min.css",
    "css/alongside.css",
    "js/alongside.js",
    "js/offline.js",
    "img/alongside.svg",
]


@require_http_methods(["GET"])
@contact_logger
def offline_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn on offline use on this device; the worker's devices, each revocable."""
    devices = list(Device.objects.of(request.user.pk).order_by("-created_at"))
    context = {"devices": devices, "wipe_hours": services.wipe_after_hours(), "words": words()}
    return render(request, "offline/offline_home.html", context)


@require_http_methods(["GET"])
@contact_logger
def offline_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a contact without signal: the page the service worker keeps and serves offline.

    Drawn with no person in it: the team's services, quick buttons and sites, supplies for
    others and a reported reversal, and for a worker the panels of a registered person (a
    referral, an overdose response, a wellbeing check-in with the questionnaires offered,
    the frame of a goal's review card, and the tests, PrEP and PEP, and vaccinations given).
    The people to choose from, and each one's goals,
    come from the phone's encrypted cache, filled in by offline.js. A distribution volunteer
    (accounts/roles.py) gets what it may record only: supplies, supplies for others and
    reported reversals.
    """
    catalogue = Catalogue.for_user(request.user)
    form = EncounterForm(
        initial=EncounterForm.initial_for(request.user, last_site=None, person=None),
        user=request.user,
        catalogue=catalogue,
    )
    limited = is_limited(request.user)
    context = {
        "form": form,
        "for_others": ForOthersForm(supplies=supplies_of(catalogue.service_types)),
        "reversal": ReversalForm(),
        "limited": limited,
        "anonymous": ANONYMOUS,
        "words": words(),
    }
    if not limited:
        context |= {
            "referral": ReferralForm(prefix="referral"),
            "overdose": OverdoseForm(prefix="overdose"),
            "check_ins": check_in_forms(),
            "person_field": PANEL_PERSON,
            "review_prefix": REVIEW_AT_CONTACT,
            "closeness_scale": range(CLOSENESS_MIN, CLOSENESS_MAX + 1),
            "note_max": NOTE_MAX,
            # Health's parts, unbound: a linkage step needs the person's open cascades, which
            # the phone does not keep, so it is noted online (docs/offline.md).
            "health_person_field": HEALTH_PERSON,
            "health_tests": TestsForm(),
            "health_prevention": PreventionForm(),
            # The vaccines of the worker's teams in use beside the built-in ones (one query); the
            # server checks at sync that one is the chosen person's team's.
            "health_vaccinations": VaccinationsForm(
                team_vaccines=list(TeamVaccine.objects.of_teams(request.user.team_ids).active().in_order())
            ),
        }
    return render(request, "offline/offline_log.html", context)


@require_http_methods(["POST"])
@contact_logger
def device_add(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Offline use turned on in this browser: the device's id and the server's sealing key."""
    device = services.add_device(actor=request.user, label=request.POST.get("label", "")[:80])
    return JsonResponse(_device_state(request, device), status=201)


@require_http_methods(["GET"])
@contact_logger
def device_state(request: AuthenticatedHttpRequest, device_id: UUID) -> JsonResponse:
    """What a device asks at each connection: still allowed (or revoked: wipe), who is signed
    in, and a fresh CSRF token for its next sync."""
    device = services.device_of(actor=request.user, device_id=device_id)
    return JsonResponse(_device_state(request, device))


@require_http_methods(["POST"])
@contact_logger
def device_revoke(request: AuthenticatedHttpRequest, device_id: UUID) -> HttpResponse:
    device = services.device_of(actor=request.user, device_id=device_id)
    services.revoke_device(actor=request.user, device=device)
    messages.success(request, _("Offline use revoked. That device wipes what it holds at its next connection."))
    return redirect("offline:home")


@require_http_methods(["GET"])
@contact_logger
def people(request: AuthenticatedHttpRequest, device_id: UUID) -> JsonResponse:
    """The worker's recent caseload for the device to keep, encrypted, for offline use."""
    device = services.device_of(actor=request.user, device_id=device_id)
    if device.is_revoked:
        return JsonResponse(_device_state(request, device) | {"people": []})
    found = services.caseload(actor=request.user, device=device)
    return JsonResponse(_device_state(request, device) | {"people": found})


@require_http_methods(["GET"])
@contact_logger
def changes(request: AuthenticatedHttpRequest, device_id: UUID) -> JsonResponse:
    """The changes feed after server sequence number `since` (offline/services.py)."""
    device = services.device_of(actor=request.user, device_id=device_id)
    if "since" not in request.GET:  # a device starting out: where the feed stands now
        return JsonResponse(_device_state(request, device) | {"seq": services.latest_change(), "changes": []})
    try:
        since = max(0, int(request.GET["since"]))
    except ValueError:
        raise Invalid(_("This sync could not be read. Nothing was stored.")) from None
    upto, found = services.changes_since(actor=request.user, since=since)
    return JsonResponse(_device_state(request, device) | {"seq": upto, "changes": found})


@require_http_methods(["POST"])
@contact_logger
def sync(request: AuthenticatedHttpRequest, device_id: UUID) -> JsonResponse:
    """The outbox sent: one answer per queued contact (offline/services.py)."""
    device = services.device_of(actor=request.user, device_id=device_id)
    body = _json(request)
    items, views = body.get("items", []), body.get("views", [])
    if not isinstance(items, list) or not isinstance(views, list):
        raise Invalid(_("This sync could not be read. Nothing was stored."))
    answers = services.sync_outbox(actor=request.user, device=device, items=items, views=views)
    return JsonResponse(_device_state(request, device) | {"answers": [answer.as_json() for answer in answers]})


def _json(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise Invalid(_("This sync could not be read. Nothing was stored.")) from None
    if not isinstance(body, dict):
        raise Invalid(_("This sync could not be read. Nothing was stored."))
    return body


def _device_state(request: AuthenticatedHttpRequest, device: Device) -> dict[str, Any]:
    return {
        "device": str(device.pk),
        "user": request.user.pk,
        "revoked": device.is_revoked,
        "wipe_after_hours": services.wipe_after_hours(),
        "csrf": get_token(request),
        "public_key": seal.public_jwk(),
    }


@require_http_methods(["GET"])
@public
@cache_control(no_cache=True)
def service_worker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The service worker, from the site's root so it may serve Log a contact offline.

    It names the shell's files (their cache-busted names) and a version made from them, so a
    new deployment replaces the cached shell. Registered only when a worker turns offline
    use on (static/js/offline.js).
    """
    shell = [reverse("offline:log"), *[static(name) for name in SHELL_STATIC]]
    script = _service_worker_source().replace("__SHELL__", json.dumps(shell))
    version = hashlib.sha256(script.encode()).hexdigest()[:12]
    response = HttpResponse(script.replace("__VERSION__", version), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_http_methods(["GET"])
@public
def manifest(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The web app manifest: Alongside installed on a phone's home screen opens Log a contact."""
    icon = {"src": static("img/alongside.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}
    body = {
        "name": "Alongside",
        "short_name": "Alongside",
        "start_url": reverse("encounters:log"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#212529",
        "icons": [icon],
    }
    return JsonResponse(body, content_type="application/manifest+json")


@cache
def _service_worker_source() -> str:
    return SERVICE_WORKER.read_text(encoding="utf-8")
