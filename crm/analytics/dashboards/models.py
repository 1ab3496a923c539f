"""Dashboards: a named, ordered list of widgets (each with its settings), owned by a person or shared with a
team, a role or everyone. A role's home dashboard is what its people see on the home page until they make
their own (a copy they can change)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    TEAM = "team", _("A team")
    ROLE = "role", _("A role")
    EVERYONE = "everyone", _("Everyone")


BUILTIN_NAMES = {
    "rep": _("My sales"),
    "manager": _("My team"),
    "admin": _("Company"),
    "company": _("Company overview"),
}


class Dashboard(models.Model):
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visibility = models.CharField(
        _("shared with"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    team = models.ForeignKey(
        "identity.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.ForeignKey(
        "identity.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # an owner's home dashboard, or (owner empty, shared with a role) the role's default home
    is_home = models.BooleanField(_("home dashboard"), default=False)
    builtin = models.CharField(max_length=20, blank=True, default="")  # "rep", "manager", "admin", "company"
    widgets = models.JSONField(_("widgets"), default=list)  # [{"key": "win_rate", "settings": {...}}, …]
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
        indexes = [
            models.Index(fields=["owner", "is_home"], name="dashboard_owner_idx"),
            models.Index(fields=["visibility", "role", "team"], name="dashboard_shared_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(is_home=True, owner__isnull=False),
                name="dashboard_one_home",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name to show: a built-in dashboard's in the reader's language."""
        if self.builtin and self.builtin in BUILTIN_NAMES:
            return str(BUILTIN_NAMES[self.builtin])
        return self.name
