"""Views of people's records, one module per feature (each with its own urlpatterns)."""
