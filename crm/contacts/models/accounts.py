from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import AccountStatus, AccountType, CompanySize, Industry
from crm.core.records import Record, record_url


class Account(Record):
    """An organisation: customer, prospect, partner, distributor or supplier."""

    name = models.CharField(_("name"), max_length=200)
    # folded name without its legal form ("acme"): the duplicate scan's blocking key (crm.contacts.matching)
    name_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True, default="")
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True, default="", db_index=True)
    account_type = models.CharField(
        _("type"), max_length=20, choices=AccountType.choices, default=AccountType.PROSPECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    industry = models.CharField(
        _("industry"), max_length=30, choices=Industry.choices, blank=True, default=""
    )
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True, default="")
    website = models.URLField(_("website"), max_length=300, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    other_emails = models.JSONField(_("other emails"), default=list, blank=True)
    other_phones = models.JSONField(_("other phones"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
        db_index=False,  # account_parent_name_idx (partial) serves every lookup by parent
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship manager"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the sales territory of its primary address (crm.core.assignment: the first territory that matches), kept by
    # the services (create, address changes) and re-matched by a job when territories change; never typed in
    territory = models.ForeignKey(
        "assignment.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # account_territory_name_idx serves every lookup by territory
    )
    tags = models.ManyToManyField("contacts.Tag", verbose_name=_("tags"), blank=True, related_name="accounts")
    custom = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    # the id in the system the account was imported from (upserts match on it)
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")

    class Meta(Record.Meta):
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(external_id=""),
                name="account_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="account_name_idx"),
            models.Index(fields=["owner", "name", "id"], name="account_owner_name_idx"),
            # subsidiaries by name: without it SQLite walks the whole name index looking for the parent. Partial:
            # most accounts have no parent, and with NULLs counted SQLite's statistics call the index useless
            # (50,000 rows per value) and the family tree's recursive walk scanned the table at every level.
            models.Index(
                fields=["parent", "name"],
                name="account_parent_name_idx",
                condition=models.Q(parent__isnull=False),
            ),
            models.Index(fields=["account_type", "name", "id"], name="account_type_name_idx"),
            models.Index(fields=["territory", "name", "id"], name="account_territory_name_idx"),
            models.Index(fields=["status"], name="account_status_idx"),
            models.Index(fields=["industry"], name="account_industry_idx"),
            models.Index(fields=["-updated_at", "-id"], name="account_updated_idx"),
            models.Index(fields=["deleted_at"], name="account_deleted_idx"),
            # duplicate blocking keys
            models.Index(fields=["name_key"], name="account_name_key_idx"),
            models.Index(fields=["email"], name="account_email_idx"),
            models.Index(fields=["phone"], name="account_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("contacts:account_detail", self.pk)
