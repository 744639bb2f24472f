from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: a living programme for a newcomer to look at.

    Its own app because it writes to every other app's tables (DESIGN.md keeps `core`
    and `clients` free of such dependencies).
    """

    name = "demo"
