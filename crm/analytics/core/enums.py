from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("analysis run status", "Queued")
    RUNNING = "running", pgettext_lazy("analysis run status", "Running")
    DONE = "done", pgettext_lazy("analysis run status", "Done")
    FAILED = "failed", pgettext_lazy("analysis run status", "Failed")


class AbcClass(models.TextChoices):
    A = "A", _("A — top revenue")
    B = "B", _("B — middle")
    C = "C", _("C — long tail")


class RfmSegment(models.TextChoices):
    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL = "potential", _("Potential loyalists")
    NEW = "new", _("New customers")
    PROMISING = "promising", _("Promising")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANNOT_LOSE = "cannot_lose", _("Can't lose them")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", pgettext_lazy("rfm segment", "Lost")
