from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStrategy(models.TextChoices):
    USER = "user", _("A fixed person")
    ROUND_ROBIN = "round_robin", _("Round-robin within a team")
    LEAST_LOADED = "least_loaded", _("Least loaded within a team")
