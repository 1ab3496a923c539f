"""Converting a lead into an account and a contact, matched against the existing ones so nothing is duplicated.

Matching uses the contacts app's duplicate finder (same email, E.164 phone, folded name, company name without
its legal form, web domain): the best candidate the actor may see wins, and the convert dialog shows it before
anything is written. On request the conversion also opens an opportunity (sales, the layer below) for the account,
with the lead's budget as its amount and a close date from its purchase timeline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.activities.services import activities_subject_link
from crm.contacts import selectors as contact_selectors
from crm.contacts import services as contact_services
from crm.contacts.services.duplicates import duplicate_find
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.events import publish_on_commit
from crm.leads.enums import LeadStatus
from crm.leads.errors import LeadAlreadyConverted, LeadNotOpen
from crm.leads.events import LeadConverted
from crm.leads.models import Lead
from crm.leads.services.leads import _locked
from crm.sales import selectors as sales_selectors
from crm.sales import services as sales_services
from crm.sales.services.lifecycle import deal_lifecycle_record_lead


@dataclass(frozen=True)
class ConversionMatch:
    """The existing account and contact a lead would be linked to (None: a new one is created)."""

    account: Any
    contact: Any
    account_reasons: tuple[str, ...] = ()
    contact_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConversionResult:
    lead: Lead
    account: Any
    contact: Any
    account_created: bool
    contact_created: bool
    opportunity: Any = None


# the expected close date of the opportunity a conversion opens, from the lead's purchase timeline
_CLOSE_IN_DAYS = {"now": 30, "quarter": 90, "half_year": 180, "year": 365, "later": 365}


def _opportunity_open(*, actor: Any, lead: Lead, account: Any, contact: Any, pipeline_id: int | None) -> Any:
    """The opportunity a conversion opens: in the first open stage of the chosen (else the first active)
    pipeline, owned by the lead's owner, with the lead's budget as its amount."""
    pipelines = sales_selectors.pipeline_list(user=actor) if actor is not None else []
    if pipeline_id is not None:
        pipelines = [p for p in pipelines if p.pk == pipeline_id]
    if not pipelines:
        raise InvalidInput(field_errors={"pipeline_id": [_("Choose a pipeline.")]})
    fields: dict[str, Any] = {
        "name": account.name,
        "account": account,
        "contacts": [contact],
        "close_date": timezone.localdate() + dt.timedelta(days=_CLOSE_IN_DAYS.get(lead.timeline, 90)),
        "next_step": lead.need[:200] if lead.need else "",
    }
    if lead.budget_amount is not None:
        fields["amount"] = lead.budget_amount
        if lead.budget_currency:
            fields["currency"] = lead.budget_currency
    return sales_services.opportunity_create(actor=actor, pipeline=pipelines[0], owner=lead.owner, **fields)


def _account_name(lead: Lead) -> str:
    return lead.company or lead.full_name or lead.email


def lead_conversion_match(*, user: Any, lead: Lead) -> ConversionMatch:
    """The best existing contact (same email, phone or name) and account (same company name, web domain,
    email or phone; else the matched contact's account) that `user` may see."""
    from crm.contacts.matching import reason_labels

    contact = None
    contact_reasons: tuple[str, ...] = ()
    if lead.email or lead.full_name or lead.phone:
        found = duplicate_find(
            user=user,
            object_type="contacts",
            values={
                "first_name": lead.first_name,
                "last_name": lead.last_name,
                "email": lead.email,
                "phone": lead.phone,
            },
        )
        if lead.email:  # the same address is the same person, whatever the score says
            exact = [f for f in found if (f[0].email or "").lower() == lead.email]
            found = exact or found
        if found:
            contact, match = found[0]
            contact_reasons = tuple(reason_labels(match.reasons))
    account = None
    account_reasons: tuple[str, ...] = ()
    if lead.company or lead.website:
        found_accounts = duplicate_find(
            user=user,
            object_type="accounts",
            values={"name": lead.company, "website": lead.website, "email": "", "phone": ""},
        )
        if found_accounts:
            account, match = found_accounts[0]
            account_reasons = tuple(reason_labels(match.reasons))
    if account is None and contact is not None and contact.primary_account_id:
        try:
            account = contact_selectors.account_ref(user=user, pk=contact.primary_account_id)
            account_reasons = (_("the contact’s account"),)
        except RecordNotFound:
            account = None
    return ConversionMatch(
        account=account, contact=contact, account_reasons=account_reasons, contact_reasons=contact_reasons
    )


def _chosen(kind: str, user: Any, pk: int) -> Any:
    getter = contact_selectors.account_ref if kind == "account" else contact_selectors.contact_ref
    try:
        return getter(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(
            field_errors={f"{kind}_id": [_("Choose a record you can see, or create a new one.")]}
        ) from None


@transaction.atomic
def lead_convert(
    *,
    actor: Any,
    lead: Lead,
    expected_version: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    create_account: bool = False,
    create_contact: bool = False,
    create_opportunity: bool = False,
    pipeline_id: int | None = None,
) -> ConversionResult:
    """One transaction: link the lead to an existing account and contact (given by id, else the best match)
    or create them through the contacts services; mark the lead converted. Refused for a converted or
    disqualified lead; nothing is written when any step fails."""
    locked = _locked(lead, actor=actor, action="change", expected_version=expected_version)
    if locked.status == LeadStatus.CONVERTED:
        raise LeadAlreadyConverted()
    if locked.status == LeadStatus.DISQUALIFIED:
        raise LeadNotOpen(_("Reopen this lead before converting it."))
    match = lead_conversion_match(user=actor, lead=locked) if actor is not None else None
    reason = _("Converted from lead “%(name)s” (#%(id)s)") % {"name": locked, "id": locked.pk}
    account = _chosen("account", actor, account_id) if account_id else None
    contact = _chosen("contact", actor, contact_id) if contact_id else None
    if account is None and not create_account and match is not None:
        account = match.account
    if contact is None and not create_contact and match is not None:
        contact = match.contact
    account_created = contact_created = False
    with audit_context(actor=actor, reason=reason):
        if account is None:
            address = {
                "city": locked.city,
                "region": locked.region,
                "postal_code": locked.postal_code,
                "country": locked.country,
            }
            account = contact_services.account_create(
                actor=actor,
                owner=locked.owner,
                name=_account_name(locked),
                website=locked.website,
                description=locked.need,
                address=address if (locked.city or locked.postal_code) else None,
            )
            account_created = True
        if contact is None:
            contact = contact_services.contact_create(
                actor=actor,
                owner=locked.owner,
                account=account,
                first_name=locked.first_name,
                last_name=locked.last_name or ("" if locked.first_name else locked.email),
                job_title=locked.job_title,
                email=locked.email,
                phone=locked.phone,
                email_consent=locked.email_consent,
                consent_source=locked.consent_source[:120],
                description=locked.description,
            )
            contact_created = True
        elif contact.primary_account_id != account.pk:
            # an actor who may see the person but not change them leaves the link to the person's owner
            with contextlib.suppress(PermissionDenied):
                contact_services.contact_link_account(
                    actor=actor, contact=contact, account=account, job_title=locked.job_title
                )
        now = timezone.now()
        locked.contacted_at = locked.contacted_at or now
        locked.qualified_at = locked.qualified_at or now
        locked.converted_at = now
        locked.status = LeadStatus.CONVERTED
        locked.converted_account_id = account.pk
        locked.converted_contact_id = contact.pk
        opportunity = None
        if create_opportunity:
            opportunity = _opportunity_open(
                actor=actor, lead=locked, account=account, contact=contact, pipeline_id=pipeline_id
            )
            locked.converted_opportunity_id = opportunity.pk
            deal_lifecycle_record_lead(
                opportunity_id=opportunity.pk,
                lead_created_at=locked.created_at,
                lead_qualified_at=locked.qualified_at,
            )
        locked.version += 1
        locked.save()
        # the calls, notes, tasks and meetings logged on the lead now also belong to the account and contact
        activities_subject_link(
            actor=actor,
            subject_type="leads.lead",
            subject_id=locked.pk,
            account_id=account.pk,
            contact_id=contact.pk,
        )
    publish_on_commit(
        LeadConverted(
            lead_id=locked.pk,
            account_id=account.pk,
            contact_id=contact.pk,
            actor_id=getattr(actor, "pk", None),
        )
    )
    return ConversionResult(
        lead=locked,
        account=account,
        contact=contact,
        account_created=account_created,
        contact_created=contact_created,
        opportunity=opportunity,
    )
