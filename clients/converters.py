from django.urls import register_converter

from .models import CODE_PATTERN


class ClientCodeConverter:
    """Matches a person's code (KM4-T7X) in a URL; anything else never reaches a view."""

    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered on import (clients/views/__init__.py imports this module), so a feature module's
# `<code:code>` routes work however early it is imported (apps.ready() loads the sections).
register_converter(ClientCodeConverter, "code")
