from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.audit.enums import AuditAction, Source


class AuditEntry(models.Model):
    """One change to one record: who, when, from where, and each field's old → new value.

    `changes` is a list of {"field", "label", "old", "new"} (values as shown to people).
    """

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SYSTEM)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=200, blank=True, default="")
    changes = models.JSONField(default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True, default="")
    request_id = models.CharField(max_length=36, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at", "-id"], name="audit_object_at_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at_idx"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"
