from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A named list setup (filters, sort, columns) as a query string; personal, or shared with everyone."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(_("object type"), max_length=60)  # "contacts.account"
    name = models.CharField(_("name"), max_length=120)
    query = models.TextField(_("filters"), blank=True, default="")
    is_shared = models.BooleanField(_("shared with everyone"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "object_type", "name"], name="savedview_owner_name_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "owner"], name="savedview_type_owner_idx"),
            models.Index(fields=["object_type", "is_shared"], name="savedview_type_shared_idx"),
        ]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name
