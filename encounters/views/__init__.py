"""Views of contacts, one module per feature, each with its own urlpatterns."""
