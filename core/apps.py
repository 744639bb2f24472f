from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from .text import install

        install()  # every text field refuses control characters (core/text.py)
