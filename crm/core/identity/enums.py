from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")


class Scope(models.TextChoices):
    """How far a permission reaches. Ordered from narrowest to widest.

    NONE is an explicit deny: stored on one object type's row, it overrides what the "*" (all objects) row
    grants for that action. The permission engine answers it as "no scope" (None).
    """

    NONE = "none", _("None")
    OWN = "own", _("Own records")
    TEAM = "team", _("Team's records")
    HIERARCHY = "hierarchy", _("Own and reports' records")
    ALL = "all", _("All records")


SCOPE_RANK = {Scope.NONE: 0, Scope.OWN: 1, Scope.TEAM: 2, Scope.HIERARCHY: 3, Scope.ALL: 4}


class RoleKey(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    SALES_REP = "sales_rep", _("Sales rep")
    SERVICE_AGENT = "service_agent", _("Service agent")
    MARKETING = "marketing", _("Marketing")
    READ_ONLY = "read_only", _("Read-only")
