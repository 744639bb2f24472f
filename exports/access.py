"""An export is its maker's alone: anyone else, another data admin included, gets 404."""

from uuid import UUID

from django.shortcuts import get_object_or_404

from accounts.models import User
from exports.models import Export


def get_export_for_user(user: User, export_id: UUID) -> Export:
    return get_object_or_404(Export.objects.filter(created_by=user), pk=export_id)
