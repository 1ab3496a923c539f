from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    UI = "ui", _("Web")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    JOB = "job", _("Background job")
    SYSTEM = "system", _("System")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Moved to the recycle bin")
    RESTORE = "restore", _("Restored")
    PURGE = "purge", _("Deleted for good")
