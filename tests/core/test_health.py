"""/health/: what HAProxy asks each app node (core/health.py, scripts/cluster.py)."""

from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTH = reverse("core:health")


def test_anyone_learns_only_that_the_node_is_up(client: HttpClient) -> None:
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response  # no session made for a load balancer's probe


def test_a_node_whose_database_does_not_answer_is_unavailable(client: HttpClient) -> None:
    """HAProxy takes the node out (503) instead of sending people's requests to it."""

    def refuse(*args: Any) -> None:
        raise DatabaseError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        response = client.get(HEALTH)
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_a_post_to_the_health_check_is_405(client: HttpClient) -> None:
    assert client.post(HEALTH).status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_health_check_is_not_redirected_to_https(client: HttpClient) -> None:
    """The load balancer asks over plain http on the node's private address."""
    assert client.get(HEALTH).status_code == 200
    assert client.get(reverse("core:home")).status_code == 301
