"""An export is its maker's alone: anyone else, another data admin included, gets 404."""

from uuid import UUID

from django.utils import timezone

from accounts.models import User
from core.errors import NotFound
from exports import storage
from exports.models import Export


def get_export_for_user(user: User, export_id: UUID) -> Export:
    export = Export.objects.filter(created_by=user, pk=export_id).first()
    if export is None:
        raise NotFound
    return export


def get_export_to_download(user: User, export_id: UUID) -> Export:
    """The user's export when its file is finished, kept and not yet expired; NotFound
    otherwise (the page of the export says which)."""
    export = get_export_for_user(user, export_id)
    expired = export.expires_at is None or export.expires_at <= timezone.now()
    if export.status != Export.Status.DONE or not export.file_name or expired:
        raise NotFound
    if not storage.exists(export.pk):
        raise NotFound
    return export
