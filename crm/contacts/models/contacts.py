from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import Consent, ContactRole
from crm.core.records import Record, record_url


class Contact(Record):
    """A person. Belongs to any number of accounts, with a role in each."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True, default="")
    last_name = models.CharField(_("last name"), max_length=100, blank=True, default="")
    full_name = models.CharField(_("name"), max_length=201, editable=False)
    # folded, sorted name tokens ("garcia lucia"): the duplicate scan's blocking key (crm.contacts.matching)
    name_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    job_title = models.CharField(_("job title"), max_length=120, blank=True, default="")
    department = models.CharField(_("department"), max_length=120, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    other_emails = models.JSONField(_("other emails"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    mobile = models.CharField(_("mobile"), max_length=40, blank=True, default="")
    other_phones = models.JSONField(_("other phones"), default=list, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, blank=True, default="")
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, default="")
    primary_account = models.ForeignKey(
        "contacts.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # contact_owner_name_idx starts with the owner
    )
    email_consent = models.CharField(
        _("email consent"), max_length=10, choices=Consent.choices, default=Consent.UNKNOWN
    )
    consent_changed_at = models.DateTimeField(_("consent changed"), null=True, blank=True)
    consent_source = models.CharField(_("consent source"), max_length=120, blank=True, default="")
    do_not_call = models.BooleanField(_("do not call"), default=False)
    tags = models.ManyToManyField("contacts.Tag", verbose_name=_("tags"), blank=True, related_name="contacts")
    custom = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    # the id in the system the contact was imported from (upserts match on it)
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")

    class Meta(Record.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(external_id=""),
                name="contact_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["full_name", "id"], name="contact_name_idx"),
            # The owner (the permission scope) then the list's sort, with the main filter and the soft-delete
            # column at the end: a rep's count ("10,000+" stops at 10,001 rows) reads only this index, and "my
            # contacts by name" walks it in order. The filter columns sit *after* the sort on purpose: with an
            # (owner, email_consent) index SQLite answers "team + consent, by name" by sorting the team's 70,000
            # rows (280 ms at 1M contacts) instead of walking contact_name_idx for one page.
            models.Index(
                fields=["owner", "full_name", "id", "email_consent", "deleted_at"],
                name="contact_owner_name_idx",
            ),
            models.Index(fields=["email"], name="contact_email_idx"),
            models.Index(fields=["primary_account", "full_name"], name="contact_account_idx"),
            models.Index(fields=["-updated_at", "-id"], name="contact_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="contact_created_idx"),
            # covers the count of a consent filter across all contacts (admins, marketing)
            models.Index(fields=["email_consent", "deleted_at"], name="contact_consent_idx"),
            models.Index(fields=["deleted_at"], name="contact_deleted_idx"),
            # duplicate blocking keys (the scan groups by them; the create/edit warning looks them up)
            models.Index(fields=["name_key", "primary_account"], name="contact_name_key_idx"),
            models.Index(fields=["phone"], name="contact_phone_idx"),
            models.Index(fields=["mobile"], name="contact_mobile_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return record_url("contacts:contact_detail", self.pk)

    def compose_full_name(self) -> str:
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)


class ContactAccount(models.Model):
    """A contact's membership of an account, with their role there."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="memberships")
    account = models.ForeignKey("contacts.Account", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices, blank=True, default="")
    job_title = models.CharField(_("job title"), max_length=120, blank=True, default="")
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "account"], name="contactaccount_unique"),
        ]
        indexes = [models.Index(fields=["account", "contact"], name="contactaccount_account_idx")]
        verbose_name = _("account membership")
        verbose_name_plural = _("account memberships")

    def __str__(self) -> str:
        return f"{self.contact_id} @ {self.account_id}"
