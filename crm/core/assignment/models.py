from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.assignment.enums import AssignmentStrategy


class Territory(models.Model):
    """A sales territory: countries, regions and postal code ranges (every criterion given must hold)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    countries = models.JSONField(_("countries"), default=list, blank=True)  # ISO 3166-1 alpha-2, upper case
    regions = models.JSONField(_("regions"), default=list, blank=True)
    postal_ranges = models.JSONField(_("postal code ranges"), default=list, blank=True)  # [[from, to], …]
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name


class AssignmentRule(models.Model):
    """Who becomes the owner of a new record of `object_type` matching the conditions. Ordered by
    `position`; the first active match wins. A rule without conditions matches everything (the default)."""

    object_type = models.CharField(_("record type"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
    )
    industries = models.JSONField(_("industries"), default=list, blank=True)
    sizes = models.JSONField(_("sizes"), default=list, blank=True)
    # records scored by a model (leads): the rule matches only a record scored at least this (0-100)
    min_score = models.PositiveSmallIntegerField(_("minimum score"), null=True, blank=True)
    strategy = models.CharField(
        _("assign to"), max_length=20, choices=AssignmentStrategy.choices, default=AssignmentStrategy.USER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "identity.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the round-robin cursor: the member who got the last record (read under select_for_update)
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["object_type", "position", "id"]
        indexes = [models.Index(fields=["object_type", "position", "id"], name="assignrule_type_pos_idx")]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")

    def __str__(self) -> str:
        return self.name

    @property
    def has_conditions(self) -> bool:
        return bool(self.territory_id or self.industries or self.sizes or self.min_score is not None)
