from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.identity.enums import Action, Scope


class Role(models.Model):
    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, default="")
    is_system = models.BooleanField(_("built in"), default=False)
    is_admin = models.BooleanField(
        _("administers the system"),
        default=False,
        help_text=_("May manage users, teams, roles and settings."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    """One action a role may take on one object type, and how far it reaches."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    object_type = models.CharField(_("object type"), max_length=60)  # "contacts.account"
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "object_type", "action"], name="rolepermission_unique"),
        ]
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")

    def __str__(self) -> str:
        return f"{self.role_id}:{self.object_type}:{self.action}={self.scope}"
