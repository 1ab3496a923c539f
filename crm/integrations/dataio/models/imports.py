from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.integrations.dataio.enums import FileFormat, ImportObject, ImportStatus, UpdateBy


class ImportJob(models.Model):
    """One file being imported: its settings, where it got to (the cursor), and its counts.

    The cursor is the number of data rows already committed; batches commit together with the cursor, so a
    run that stopped (crash, restart) continues after the last committed batch without duplicates.
    """

    object_type = models.CharField(_("import into"), max_length=40, choices=ImportObject.choices)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300)
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    file_size = models.BigIntegerField(_("size"), default=0)
    headers = models.JSONField(default=list, blank=True)
    # column index → field name ("" = ignored)
    mapping = models.JSONField(default=list, blank=True)
    # encoding, delimiter, date_order, decimal
    options = models.JSONField(default=dict, blank=True)
    update_by = models.CharField(
        _("update existing records by"), max_length=20, blank=True, default="", choices=UpdateBy.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT
    )
    cursor = models.PositiveIntegerField(_("rows done"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    error = models.TextField(_("error"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reverted_at = models.DateTimeField(_("reverted"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_user_idx")]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("dataio:import_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.cursor * 100 / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}


class ImportBatch(models.Model):
    """One committed batch: what it created and changed (to revert it) and its per-row report."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    created_ids = models.JSONField(default=list)
    # [[id, {field: value before}], …]
    updated = models.JSONField(default=list)
    # [[row number, outcome, message, [cells…]], …] for rows that were not created or updated
    report = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="importbatch_job_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.number}"


class ImportMapping(models.Model):
    """A saved column mapping: header (normalised) → field, offered for the next file with the same headers."""

    object_type = models.CharField(max_length=40, choices=ImportObject.choices)
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "name"], name="importmapping_type_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
