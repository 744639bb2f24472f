"""Views of people's records, one module per feature (each with its own urlpatterns)."""

from clients import converters  # noqa: F401  (registers the <code:...> path converter)
