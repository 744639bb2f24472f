"""Where finished export files live: in PostgreSQL, so every app node can hand them over.

An export's zip is built on the worker's own disk (ALONGSIDE_EXPORT_ROOT, a scratch folder:
the zip writer and xlsxwriter need a file), then copied into `ExportChunk` rows of 1 MiB in
one transaction, and the local file removed. Downloads stream the chunks back one query
at a time, so any app node serves any export, memory stays at one chunk, and each query is
its own short statement (safe behind PgBouncer in transaction mode). Deleting an export's
chunks is the expiry.

Why PostgreSQL and not a shared folder or S3 through django-storages (docs/scaling.md):
exports are small (48 MB for 2,000,000 contacts) and kept 7 days, so they add little to
the database; they then need no second store to secure, back up, give credentials to or
keep in step with the Export rows, they follow the database's access rules and backups,
and the replica holds them too. A programme that exports far more can move this module to
django-storages; nothing else reads or writes the files.

This module is the only place that does.
"""

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

from django.db import transaction

from .models import ExportChunk

CHUNK = 1 << 20


@transaction.atomic
def store(export_id: UUID, path: Path) -> int:
    """Copy a finished local file into the database (replacing any earlier copy); its size."""
    ExportChunk.objects.filter(export_id=export_id).delete()
    size = 0
    with path.open("rb") as source:
        for seq, data in enumerate(iter(lambda: source.read(CHUNK), b"")):
            ExportChunk.objects.create(export_id=export_id, seq=seq, data=data)
            size += len(data)
    return size


def stream(export_id: UUID) -> Iterator[bytes]:
    """The file's bytes, one chunk per query (by the (export, seq) key: each query is cheap)."""
    seq = 0
    while True:
        data = ExportChunk.objects.filter(export_id=export_id, seq=seq).values_list("data", flat=True).first()
        if data is None:
            return
        yield bytes(data)
        seq += 1


def read(export_id: UUID) -> bytes:
    return b"".join(stream(export_id))


def exists(export_id: UUID) -> bool:
    return ExportChunk.objects.filter(export_id=export_id, seq=0).exists()


def delete(export_id: UUID) -> None:
    ExportChunk.objects.filter(export_id=export_id).delete()
