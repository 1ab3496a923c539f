from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportObject(models.TextChoices):
    CONTACTS = "contacts.contact", _("Contacts")
    ACCOUNTS = "contacts.account", _("Accounts")
    ACTIVITIES = "activities.activity", _("Activities")


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    REVERTED = "reverted", _("Reverted")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    VCARD = "vcf", "vCard"


class UpdateBy(models.TextChoices):
    NONE = "", _("Do not update: skip records that already exist")
    EMAIL = "email", _("Email")
    EXTERNAL_ID = "external_id", _("External id")


class DateOrder(models.TextChoices):
    DMY = "dmy", _("Day/month/year (31/12/2026)")
    MDY = "mdy", _("Month/day/year (12/31/2026)")


class DecimalMark(models.TextChoices):
    COMMA = ",", _("Comma (1.234,56)")
    POINT = ".", _("Point (1,234.56)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
