"""Writes on leads: create, edit, hand over, move through the funnel, recycle bin. Every door (web, API, public
web form, demo) goes through these functions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.contacts.enums import Consent
from crm.contacts.services.validation import clean_phones, full_clean_or_raise, reject_unknown
from crm.core.assignment.services import assignment_owner_pick
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.customfields.services import custom_values_clean
from crm.core.errors import ConcurrentEdit, InvalidInput, PermissionDenied, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create
from crm.leads.enums import DisqualifyReason, LeadSource, LeadStatus
from crm.leads.errors import LeadAlreadyConverted, LeadNotOpen
from crm.leads.events import LeadCreated
from crm.leads.models import Lead

OBJECT_TYPE = "leads.lead"
LEAD_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "company",
        "job_title",
        "email",
        "phone",
        "website",
        "city",
        "region",
        "postal_code",
        "country",
        "source",
        "source_detail",
        "budget_amount",
        "budget_currency",
        "authority",
        "need",
        "timeline",
        "email_consent",
        "consent_source",
        "description",
        "custom",
        "owner",
    }
)
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
MODEL_EXCLUDE = ("team", "converted_account", "converted_contact")


def lead_facts(*, fields: dict[str, Any]) -> dict[str, str]:
    """What the assignment rules match on for a lead: its country, region and postal code."""
    return {
        "country": str(fields.get("country") or "").strip().upper(),
        "region": str(fields.get("region") or "").strip(),
        "postal_code": str(fields.get("postal_code") or "").strip(),
        "industry": "",
        "size": "",
    }


def lead_owned_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Open leads per owner ("least loaded" rules)."""
    from django.db.models import Count

    rows = (
        Lead.objects.filter(owner_id__in=list(user_ids), status__in=[s.value for s in _open()])
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {r["owner_id"]: r["n"] for r in rows}


def _open() -> tuple[LeadStatus, ...]:
    return (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)


def lead_default_owner() -> User | None:
    """Who gets a lead nobody else can take (the public web form when no rule matches): the first active
    administrator."""
    admins = User.objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(role__is_admin=True))
    return admins.order_by("pk").first() or User.objects.filter(is_active=True).order_by("pk").first()


def _owner_check(owner: Any) -> None:
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})


def _apply(lead: Lead, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    clean_phones(data, ("phone",), errors)
    for name in (
        "first_name",
        "last_name",
        "company",
        "job_title",
        "city",
        "region",
        "postal_code",
        "source_detail",
        "consent_source",
    ):
        if name in data:
            data[name] = " ".join(str(data[name] or "").split())
    if "email" in data:
        data["email"] = str(data["email"] or "").strip().lower()
    if "website" in data:
        website = str(data["website"] or "").strip()
        if website and "://" not in website:
            website = "https://" + website
        data["website"] = website
    if "country" in data:
        data["country"] = str(data["country"] or "").strip().upper()
        if data["country"] and not COUNTRY_RE.match(data["country"]):
            errors["country"] = [_("Use the two-letter country code, e.g. ES.")]
    if "budget_amount" in data and data["budget_amount"] not in (None, ""):
        try:
            amount = Decimal(str(data["budget_amount"]).replace(",", "."))
        except InvalidOperation:
            errors["budget_amount"] = [_("Enter a number.")]
            data.pop("budget_amount")
        else:
            if amount < 0:
                errors["budget_amount"] = [_("The budget cannot be negative.")]
            data["budget_amount"] = amount
    elif "budget_amount" in data:
        data["budget_amount"] = None
    if "budget_currency" in data:
        data["budget_currency"] = str(data["budget_currency"] or "").strip().upper()
        if data["budget_currency"] and not CURRENCY_RE.match(data["budget_currency"]):
            errors["budget_currency"] = [_("Use a three-letter currency code, e.g. EUR.")]
    if "custom" in data:
        try:
            data["custom"] = custom_values_clean(
                object_type=OBJECT_TYPE, values=data["custom"], existing=lead.custom if lead.pk else None
            )
        except InvalidInput as exc:
            errors.update(exc.field_errors)
            data.pop("custom")
    elif lead.pk is None:
        try:
            lead.custom = custom_values_clean(object_type=OBJECT_TYPE, values={}, existing=None)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    if "email_consent" in data and data["email_consent"] != lead.email_consent:
        lead.consent_at = timezone.now() if data["email_consent"] == Consent.GRANTED else lead.consent_at
    for name, value in data.items():
        setattr(lead, name, value)
    if lead.budget_amount is not None and not lead.budget_currency:
        lead.budget_currency = getattr(settings, "DEFAULT_CURRENCY", "EUR")
    lead.full_name = lead.compose_full_name()
    if not (lead.full_name or lead.email or lead.company):
        errors.setdefault("last_name", []).append(_("Give at least a name, a company or an email address."))
    full_clean_or_raise(lead, errors, exclude=MODEL_EXCLUDE)


@transaction.atomic
def lead_create(*, actor: Any, owner: Any = None, **fields: Any) -> Lead:
    """A new lead. Without an `owner`, the assignment rules for leads pick one (on country, region and postal
    code), else the actor, else (the public web form) the first administrator."""
    reject_unknown(fields, LEAD_FIELDS - {"owner"})
    owner_given = owner is not None
    owner = (
        owner
        or assignment_owner_pick(object_type=OBJECT_TYPE, facts=lead_facts(fields=fields))
        or actor
        or lead_default_owner()
    )
    _owner_check(owner)
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    lead = Lead(owner=owner, team_id=owner.team_id)
    errors: dict[str, list[str]] = {}
    if "source" not in fields:
        fields["source"] = LeadSource.MANUAL
    _apply(lead, dict(fields), errors)
    with audit_context(actor=actor):
        lead.save()
    publish_on_commit(
        LeadCreated(
            lead_id=lead.pk,
            source=lead.source,
            actor_id=getattr(actor, "pk", None),
            owner_given=owner_given,
        )
    )
    return lead


def _locked(lead: Lead, *, actor: Any, action: str, expected_version: int | None) -> Lead:
    locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action=action)
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


@transaction.atomic
def lead_update(
    *, actor: Any, lead: Lead, expected_version: int | None = None, reason: str = "", **changes: Any
) -> Lead:
    """Change a lead's fields. `expected_version` refuses a save over someone else's newer edit (409)."""
    reject_unknown(changes, LEAD_FIELDS)
    locked = _locked(lead, actor=actor, action="change", expected_version=expected_version)
    if "owner" in changes:
        _owner_check(changes["owner"])
        locked.team_id = changes["owner"].team_id
    errors: dict[str, list[str]] = {}
    _apply(locked, dict(changes), errors)
    locked.version += 1
    with audit_context(actor=actor, reason=reason):
        locked.save()
    return locked


def lead_assign_owner(*, actor: Any, lead: Lead, owner: Any, reason: str = "") -> Lead:
    return lead_update(actor=actor, lead=lead, owner=owner, reason=reason)


def _move(
    *,
    actor: Any,
    lead: Lead,
    expected_version: int | None,
    reason: str,
    change: Callable[[Lead], None],
) -> Lead:
    locked = _locked(lead, actor=actor, action="change", expected_version=expected_version)
    if locked.status == LeadStatus.CONVERTED:
        raise LeadAlreadyConverted()
    if locked.status == LeadStatus.DISQUALIFIED:
        raise LeadNotOpen()
    change(locked)
    locked.version += 1
    with audit_context(actor=actor, reason=reason):
        locked.save()
    return locked


@transaction.atomic
def lead_mark_contacted(*, actor: Any, lead: Lead, expected_version: int | None = None) -> Lead:
    """First contact made: a new lead becomes contacted (a lead further on keeps its status)."""

    def change(locked: Lead) -> None:
        now = timezone.now()
        locked.contacted_at = locked.contacted_at or now
        if locked.status == LeadStatus.NEW:
            locked.status = LeadStatus.CONTACTED

    return _move(actor=actor, lead=lead, expected_version=expected_version, reason="", change=change)


@transaction.atomic
def lead_qualify(*, actor: Any, lead: Lead, expected_version: int | None = None) -> Lead:
    """The lead has budget, authority, need and a timeline worth pursuing."""

    def change(locked: Lead) -> None:
        now = timezone.now()
        locked.contacted_at = locked.contacted_at or now
        locked.qualified_at = locked.qualified_at or now
        locked.status = LeadStatus.QUALIFIED

    return _move(actor=actor, lead=lead, expected_version=expected_version, reason="", change=change)


@transaction.atomic
def lead_disqualify(
    *, actor: Any, lead: Lead, reason: str, note: str = "", expected_version: int | None = None
) -> Lead:
    """Stop working the lead, saying why (`reason` is one of DisqualifyReason; `note` is free text)."""
    if reason not in DisqualifyReason.values:
        raise InvalidInput(field_errors={"reason": [_("Choose why the lead is disqualified.")]})
    note = " ".join(str(note or "").split())
    if len(note) > 500:
        raise InvalidInput(field_errors={"note": [_("Use at most %(n)s characters.") % {"n": 500}]})

    def change(locked: Lead) -> None:
        locked.status = LeadStatus.DISQUALIFIED
        locked.disqualified_at = timezone.now()
        locked.disqualified_reason = reason
        locked.disqualified_note = note

    return _move(actor=actor, lead=lead, expected_version=expected_version, reason=note, change=change)


@transaction.atomic
def lead_reopen(*, actor: Any, lead: Lead, expected_version: int | None = None) -> Lead:
    """A disqualified lead goes back to the last stage it had reached."""
    locked = _locked(lead, actor=actor, action="change", expected_version=expected_version)
    if locked.status != LeadStatus.DISQUALIFIED:
        raise InvalidInput(field_errors={"status": [_("Only a disqualified lead can be reopened.")]})
    locked.status = (
        LeadStatus.QUALIFIED
        if locked.qualified_at
        else LeadStatus.CONTACTED
        if locked.contacted_at
        else LeadStatus.NEW
    )
    locked.disqualified_at = None
    locked.disqualified_reason = ""
    locked.disqualified_note = ""
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    return locked


@transaction.atomic
def lead_delete(*, actor: Any, lead: Lead) -> Lead:
    locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="delete")
    record_soft_delete(instance=locked, actor=actor)
    return locked


def _bulk(ids: Iterable[int], fn: Callable[[Lead], Any]) -> tuple[int, int]:
    changed = skipped = 0
    wanted = sorted({int(i) for i in ids})[:500]
    for lead in Lead.objects.filter(pk__in=wanted).order_by("pk"):
        try:
            with transaction.atomic():
                fn(lead)
        except (RecordNotFound, PermissionDenied, InvalidInput, LeadNotOpen, ConcurrentEdit):
            skipped += 1
        else:
            changed += 1
    return changed, skipped + (len(wanted) - changed - skipped)


@transaction.atomic
def lead_bulk_assign_owner(*, actor: Any, ids: Iterable[int], owner: Any, reason: str) -> tuple[int, int]:
    """Hand many leads to `owner`; (changed, skipped because not found or not allowed)."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Say why the records change hands.")]})
    _owner_check(owner)
    return _bulk(ids, lambda lead: lead_update(actor=actor, lead=lead, owner=owner, reason=reason))


@transaction.atomic
def lead_bulk_delete(*, actor: Any, ids: Iterable[int]) -> tuple[int, int]:
    return _bulk(ids, lambda lead: lead_delete(actor=actor, lead=lead))


def lead_bulk_tag(*, actor: Any, ids: Iterable[int], tags: list[str]) -> tuple[int, int]:
    raise InvalidInput(field_errors={"tags": [_("Leads have no tags.")]})
