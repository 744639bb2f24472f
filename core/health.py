"""`/health/`: what a load balancer asks each app node before sending it people's requests.

It answers 200 when this node can serve: the process answers and its database (the
primary, through the pooler when there is one) runs a query within the pooler's or the
driver's time limits. Otherwise 503, so HAProxy stops sending requests here until it
answers again. The replica is deliberately left out: reads fall back to the primary when it
is down or behind (core/replica.py), so a replica fault must not take app nodes out.

Open to anyone and says nothing but "ok" or "unavailable": no versions, no names, no
timings for an outsider to learn from. It touches no session and writes nothing.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)


@require_http_methods(["GET"])
@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health check: the database did not answer")
        connection.close()  # a broken connection must not be reused by the next check
        return _answer("unavailable", 503)
    return _answer("ok", 200)


def _answer(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text + "\n", content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


health.access_rule = "public"  # type: ignore[attr-defined]
