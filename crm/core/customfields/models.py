from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.customfields.enums import FieldType


class CustomFieldDefinition(models.Model):
    """A field an administrator adds to an object type. Values live in the record's `custom` JSON column.

    `choices` is a list of {"value": "...", "label": "..."} for choice and multi-choice fields.
    """

    object_type = models.CharField(_("object"), max_length=60, db_index=True)
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=120)
    label_es = models.CharField(_("label (Spanish)"), max_length=120, blank=True, default="")
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=250, blank=True, default="")
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["object_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["object_type", "key"], name="customfield_unique_key"),
        ]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return self.label

    def label_for(self, language: str) -> str:
        if language.startswith("es") and self.label_es:
            return self.label_es
        return self.label

    @property
    def choice_values(self) -> list[str]:
        return [str(c["value"]) for c in self.choices or []]

    def choice_label(self, value: str, language: str = "en") -> str:
        for c in self.choices or []:
            if str(c["value"]) == str(value):
                if language.startswith("es") and c.get("label_es"):
                    return str(c["label_es"])
                return str(c.get("label") or c["value"])
        return str(value)
