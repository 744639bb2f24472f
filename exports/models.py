"""An anonymised export a data admin started (exports/), kept in the table it had when
exports lived in the reports app (`reports_export`), so the move needed no data migration."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    """An anonymised export a data admin started: what was asked for, how far the background
    job has got, and where its file is (exports/).

    Only the admin who started it may see or download it (exports/access.py). The
    file lives in the database (ExportChunk, exports/storage.py), never in the static or
    media roots, and is deleted when the export expires. `summary` holds row counts and the privacy summary (k achieved,
    rows generalised and suppressed per dataset): numbers only, never data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV files (zipped)")
        XLSX = "xlsx", _("Excel workbooks (zipped)")

    class Period(models.TextChoices):
        MONTH = "month", _("Months")
        QUARTER = "quarter", _("Quarters")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    datasets = ArrayField(models.CharField(max_length=30), verbose_name=_("datasets"))
    team_ids = ArrayField(models.UUIDField(), verbose_name=_("teams"))
    first_month = models.DateField(_("from"))
    last_month = models.DateField(_("to"))
    period = models.CharField(_("dates as"), max_length=10, choices=Period.choices, default=Period.MONTH)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.CSV)
    k = models.PositiveSmallIntegerField(_("smallest group (k)"), default=11)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Progress for the page: the dataset being written, datasets done, rows written so far.
    step = models.CharField(max_length=30, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    rows_written = models.PositiveBigIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # The download's name ("" until written and after expiry); the bytes are ExportChunk rows.
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "reports_export"
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            # "My exports": one admin's, newest first.
            models.Index(fields=["created_by", "-created_at"], name="export_owner_recent_idx"),
            # The expiry job: files still on disk past their time.
            models.Index(fields=["expires_at"], name="export_expiry_idx", condition=~models.Q(file_name="")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(k__gte=5), name="export_k_at_least_5"),
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")), name="export_period"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED}


class ExportChunk(models.Model):
    """1 MiB of a finished export's zip (exports/storage.py): stored in PostgreSQL, so every
    app node can hand the file over; deleted when the export expires."""

    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            # Also the index a download reads the chunks by, one by one.
            models.UniqueConstraint(fields=["export", "seq"], name="export_chunk_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"chunk {self.seq} of export {self.export_id}"
