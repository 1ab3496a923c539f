from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import Consent
from crm.core.records import Record, record_url
from crm.leads.enums import Authority, DisqualifyReason, LeadSource, LeadStatus, PurchaseTimeline


class Lead(Record):
    """Someone who may become a customer: captured from the UI, the API or the public web form, qualified
    (BANT), then converted into an account and a contact (or disqualified with a reason)."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True, default="")
    last_name = models.CharField(_("last name"), max_length=100, blank=True, default="")
    full_name = models.CharField(_("name"), max_length=201, editable=False, default="")
    company = models.CharField(_("company"), max_length=200, blank=True, default="")
    job_title = models.CharField(_("job title"), max_length=120, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    website = models.URLField(_("website"), max_length=300, blank=True, default="")
    city = models.CharField(_("city"), max_length=100, blank=True, default="")
    region = models.CharField(_("region"), max_length=100, blank=True, default="")
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, default="")
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    source = models.CharField(
        _("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    disqualified_reason = models.CharField(
        _("disqualification reason"), max_length=20, choices=DisqualifyReason.choices, blank=True, default=""
    )
    disqualified_note = models.CharField(_("disqualification note"), max_length=500, blank=True, default="")
    # BANT
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("budget currency"), max_length=3, blank=True, default="")
    authority = models.CharField(
        _("authority"), max_length=20, choices=Authority.choices, blank=True, default=""
    )
    need = models.TextField(_("need"), blank=True, default="")
    timeline = models.CharField(
        _("purchase timeline"), max_length=20, choices=PurchaseTimeline.choices, blank=True, default=""
    )
    # consent to be contacted by email, with when and how it was given
    email_consent = models.CharField(
        _("email consent"), max_length=10, choices=Consent.choices, default=Consent.UNKNOWN
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_source = models.CharField(_("consent source"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    custom = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "identity.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    converted_account = models.ForeignKey(
        "contacts.Account",
        verbose_name=_("converted account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    converted_contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("converted contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    converted_opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("converted opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # when each funnel stage was reached (created_at is the first)
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    qualified_at = models.DateTimeField(_("qualified"), null=True, blank=True)
    disqualified_at = models.DateTimeField(_("disqualified"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    # lead scoring (written by the analytics' lead-scoring model): the chance, 0-100, that the lead ends in a
    # won deal, and the features that pushed it most ([{"feature", "label", "effect"}, …])
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, editable=False)
    score_factors = models.JSONField(_("score factors"), default=list, blank=True, editable=False)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta(Record.Meta):
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["full_name", "id"], name="lead_name_idx"),
            models.Index(fields=["owner", "full_name", "id"], name="lead_owner_name_idx"),
            models.Index(fields=["status", "created_at"], name="lead_status_created_idx"),
            models.Index(fields=["source"], name="lead_source_idx"),
            models.Index(fields=["company", "id"], name="lead_company_idx"),
            models.Index(fields=["email"], name="lead_email_idx"),
            models.Index(fields=["-created_at", "-id"], name="lead_created_idx"),
            models.Index(fields=["-updated_at", "-id"], name="lead_updated_idx"),
            models.Index(fields=["owner", "created_at"], name="lead_owner_created_idx"),
            models.Index(fields=["deleted_at"], name="lead_deleted_idx"),
            models.Index(fields=["score", "id"], name="lead_score_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.company or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return record_url("leads:lead_detail", self.pk)

    def compose_full_name(self) -> str:
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)

    @property
    def is_open(self) -> bool:
        return self.status in {LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED}


class WebFormHit(models.Model):
    """Submissions of the public web-to-lead form per client (a hash of the IP) and time window: the rate
    limit is counted in the database so every web process sees the same numbers."""

    client = models.CharField(max_length=64)
    window = models.BigIntegerField()  # the window's start, in seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "window"], name="webformhit_unique")]
        indexes = [models.Index(fields=["window"], name="webformhit_window_idx")]

    def __str__(self) -> str:
        return f"{self.client}@{self.window}: {self.hits}"
