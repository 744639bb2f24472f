from .models import CODE_PATTERN


class ClientCodeConverter:
    """Matches a person's code (KM4-T7X) in a URL; anything else never reaches a view."""

    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
