from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountType(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROSPECT = "prospect", _("Prospect")
    PARTNER = "partner", _("Partner")
    DISTRIBUTOR = "distributor", _("Distributor")
    SUPPLIER = "supplier", _("Supplier")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    ON_HOLD = "on_hold", _("On hold")


class Industry(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    CONSTRUCTION = "construction", _("Construction")
    EDUCATION = "education", _("Education")
    ENERGY = "energy", _("Energy")
    FINANCE = "finance", _("Finance and insurance")
    FOOD = "food", _("Food and beverage")
    GOVERNMENT = "government", _("Government")
    HEALTHCARE = "healthcare", _("Healthcare")
    HOSPITALITY = "hospitality", _("Hospitality and tourism")
    LOGISTICS = "logistics", _("Transport and logistics")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MEDIA = "media", _("Media and entertainment")
    PROFESSIONAL = "professional", _("Professional services")
    REAL_ESTATE = "real_estate", _("Real estate")
    RETAIL = "retail", _("Retail and wholesale")
    TECHNOLOGY = "technology", _("Technology")
    TELECOM = "telecom", _("Telecommunications")
    OTHER = "other", _("Other")


class CompanySize(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250-999", _("250–999 employees")
    ENTERPRISE = "1000+", _("1,000+ employees")


class ContactRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    BILLING = "billing", _("Billing")
    TECHNICAL = "technical", _("Technical")
    USER = "user", _("User")
    OTHER = "other", _("Other")


class Consent(models.TextChoices):
    UNKNOWN = "unknown", _("Not asked")
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AddressKind(models.TextChoices):
    BILLING = "billing", _("Billing")
    SHIPPING = "shipping", _("Shipping")
    OFFICE = "office", _("Office")
    HOME = "home", pgettext_lazy("address kind", "Home")
    OTHER = "other", _("Other")


class AccountLinkType(models.TextChoices):
    """How one account relates to another; the label reads "<from> … <to>", the inverse "<to> … <from>"."""

    DISTRIBUTOR = "distributor", _("Distributor of")
    PARTNER = "partner", _("Partner of")
    SUPPLIER = "supplier", _("Supplier of")
    COMPETITOR = "competitor", _("Competitor of")


ACCOUNT_LINK_INVERSE = {
    AccountLinkType.DISTRIBUTOR: _("Distributed by"),
    AccountLinkType.PARTNER: _("Partner of"),
    AccountLinkType.SUPPLIER: _("Supplied by"),
    AccountLinkType.COMPETITOR: _("Competitor of"),
}
# symmetric links read the same both ways: one row, refused again in the other direction
ACCOUNT_LINK_SYMMETRIC = frozenset({AccountLinkType.PARTNER, AccountLinkType.COMPETITOR})


class ContactLinkType(models.TextChoices):
    REPORTS_TO = "reports_to", _("Reports to")
    ASSISTANT_OF = "assistant_of", _("Assistant of")


CONTACT_LINK_INVERSE = {
    ContactLinkType.REPORTS_TO: _("Manages"),
    ContactLinkType.ASSISTANT_OF: _("Assisted by"),
}


class DuplicateObject(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    ACCOUNTS = "accounts", _("Accounts")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DISMISSED = "dismissed", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class RematchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    SUPERSEDED = "superseded", _("Superseded by a newer run")
    FAILED = "failed", _("Failed")
