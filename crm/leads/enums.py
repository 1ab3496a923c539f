from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


OPEN_STATUSES = frozenset({LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED})


class LeadSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event")
    CAMPAIGN = "campaign", _("Campaign")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class DisqualifyReason(models.TextChoices):
    NO_BUDGET = "no_budget", _("No budget")
    NO_AUTHORITY = "no_authority", _("No decision power")
    NO_NEED = "no_need", _("No need")
    BAD_TIMING = "bad_timing", _("Wrong time")
    COMPETITOR = "competitor", _("Went with a competitor")
    UNREACHABLE = "unreachable", _("Could not reach them")
    DUPLICATE = "duplicate", _("Duplicate")
    SPAM = "spam", _("Spam")
    OTHER = "other", _("Other")


class Authority(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    EVALUATOR = "evaluator", _("Evaluator")
    USER = "user", _("User")
    UNKNOWN = "unknown", _("Unknown")


class PurchaseTimeline(models.TextChoices):
    NOW = "now", _("Now")
    QUARTER = "quarter", _("Within 3 months")
    HALF_YEAR = "half_year", _("Within 6 months")
    YEAR = "year", _("Within a year")
    LATER = "later", _("Later")
    UNKNOWN = "unknown", _("Unknown")
