from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    TASK = "task", _("Task")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")


class Channel(models.TextChoices):
    UI = "ui", _("Web")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WEB_FORM = "web_form", _("Web form")
    POINT_OF_SALE = "pos", _("Point of sale")
    API = "api", _("API")
    PORTAL = "portal", _("Portal")
    IMPORT = "import", _("Import")


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class CallOutcome(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NO_ANSWER = "no_answer", _("No answer")
    VOICEMAIL = "voicemail", _("Left voicemail")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class TaskPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
