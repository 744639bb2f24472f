import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team


class ImportJob(models.Model):
    """A spreadsheet a supervisor brings into a team from the import page: the file, how its
    columns map to fields, the choices the check asked for, then the background job's progress
    and counts.

    The file itself is kept in the database (every app node and the worker reach it) while
    the import is being checked and run, and emptied when it finishes: what stays is the
    counts. Its name is not kept (a file's name can name a person): the page says "CSV file"
    or "Excel workbook", its size and when it came. A job is its maker's only (imports/access.py).
    """

    class Kind(models.TextChoices):
        CONTACTS = "contacts", _("Contacts")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Did not finish")

    class FileType(models.TextChoices):
        CSV = "csv", _("CSV file")
        XLSX = "xlsx", _("Excel workbook")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    kind = models.CharField(_("what it holds"), max_length=20, choices=Kind.choices, default=Kind.CONTACTS)
    file_type = models.CharField(_("file"), max_length=10, choices=FileType.choices)
    file_size = models.PositiveIntegerField(_("size"), default=0)
    content = models.BinaryField(editable=False, default=b"")
    # Header words -> field ("date", "service:<slug>", "ignore"): the user's choices.
    mapping = models.JSONField(default=dict, blank=True)
    date_order = models.CharField(max_length=3, blank=True)  # "dmy", "mdy" or "" (not asked)
    repeats = models.CharField(max_length=4, blank=True)  # "keep", "skip" or "" (none, or not answered)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    skipped_repeats = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why a job stopped, in words (a domain error's message: never a name or a value).
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("import")
        indexes = [
            # The import page's list of the user's own imports, newest first; and the team's
            # last mapping of a kind (remembered for the next file).
            models.Index(fields=["created_by", "-created_at"], name="import_owner_recent_idx"),
            models.Index(fields=["team", "kind", "-created_at"], name="import_team_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
