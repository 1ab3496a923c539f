"""Writes on quotes: create (from an opportunity or for an account), edit while draft, discount approval,
sending by email (a background job), revisions, and the customer's answer through the signed link.

Every door (web, API, the public page, the job) goes through these functions, so the rules hold everywhere:
lines are validated all at once and nothing is stored when one is wrong; a quote changes only while draft; a
discount above `CRM_QUOTE_DISCOUNT_LIMIT` needs a manager's approval before the quote can be sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.catalog.errors import PriceNotFound
from crm.catalog.selectors import price_get, product_get, tax_rate_get
from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.audit.context import audit_context
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.identity.models import User
from crm.core.identity.permissions import user_is_admin
from crm.core.records import record_authorize, record_authorize_create
from crm.core.ui.formats import format_money
from crm.sales.enums import ApprovalStatus, QuoteStatus
from crm.sales.errors import (
    QuoteAlreadyDecided,
    QuoteApprovalNotNeeded,
    QuoteApprovalRequired,
    QuoteApproverRequired,
    QuoteCannotBeRevised,
    QuoteCannotBeSent,
    QuoteExpired,
    QuoteNotEditable,
    QuoteNotOpenForAnswer,
    QuoteNotPendingApproval,
    QuoteSuperseded,
)
from crm.sales.events import QuoteAccepted, QuoteDeclined, QuoteSent
from crm.sales.models import Opportunity, OpportunityContact, Quote, QuoteEvent, QuoteLine
from crm.sales.services.line_costs import unit_cost_clean
from crm.sales.services.numbering import number_next
from crm.sales.services.values import reject_unknown, text_clean, user_or_none

OBJECT_TYPE = "sales.quote"
APPROVER_ROLES = frozenset({"sales_manager", "administrator"})
# what create and update may set on the quote itself (lines have their own service; status, numbers,
# totals, approvals and answers change only through the workflow services)
QUOTE_FIELDS = frozenset({"contact", "valid_until", "terms", "notes", "language", "currency"})
LINE_FIELDS = frozenset(
    {
        "product",
        "product_id",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_rate",
        "unit_cost",
        "currency",
    }
)
MAX_LINES = 200
_MAX_QUANTITY = Decimal("999999999.999")
_MAX_PRICE = Decimal("999999999999.99")
# quotes the customer has seen: they are revised, never edited
REVISABLE = frozenset({QuoteStatus.SENT, QuoteStatus.DECLINED, QuoteStatus.EXPIRED})


# --- small rules ----------------------------------------------------------------------------------------------
def discount_limit() -> Decimal:
    return Decimal(str(settings.CRM_QUOTE_DISCOUNT_LIMIT))


def needs_approval(lines: Iterable[Any]) -> bool:
    """Whether any line's discount is above the configured limit."""
    limit = discount_limit()
    return any(Decimal(line.discount_percent) > limit for line in lines)


def user_may_approve(user: Any) -> bool:
    """Sales managers and administrators approve discounts."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user_is_admin(user):
        return True
    return bool(user.role_id and user.role.key in APPROVER_ROLES)


def _language_pick(*candidates: str | None) -> str:
    known = {code for code, _label in settings.LANGUAGES}
    for value in candidates:
        code = (value or "").strip().lower()[:2]
        if code in known:
            return code
    return str(settings.LANGUAGE_CODE)


def _event(quote: Quote, kind: str, *, actor: Any, note: str = "", at: dt.datetime | None = None) -> None:
    QuoteEvent.objects.create(
        quote=quote,
        account_id=quote.account_id,
        opportunity_id=quote.opportunity_id,
        kind=kind,
        actor=user_or_none(actor),
        at=at or timezone.now(),
        note=note[:2000],
    )


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


# --- lines ------------------------------------------------------------------------------------------------------
def _product_for(data: Mapping[str, Any], *, actor: Any) -> Any:
    """The catalog product a line names (an instance, or an id the actor may see), or None for a free line."""
    product = data.get("product")
    if product is not None and getattr(product, "pk", None) is not None:
        if actor is not None:
            product_get(user=actor, pk=product.pk)  # RecordNotFound when the actor may not see it
        return product
    raw = data.get("product_id")
    if raw in (None, ""):
        return None
    if actor is None:
        raise RecordNotFound()
    return product_get(user=actor, pk=raw if isinstance(raw, int) else str(raw))


def lines_build(
    *, quote: Quote, lines: Sequence[Mapping[str, Any]], actor: Any, priced_on: dt.date | None = None
) -> list[QuoteLine]:
    """Unsaved lines of `quote` from plain data, with their amounts computed. Every problem of every line is
    collected under `lines.<n>.<field>` and raised at once as InvalidInput; nothing is returned half-checked.

    A product line takes its unit price from the catalog (the best price book in the quote's currency on the
    quote's date) and its tax rate from the product's tax, unless the line gives its own tax rate; a free line
    gives its description and unit price. A line's `currency`, when given, must be the quote's."""
    errors: dict[str, list[str]] = {}
    built: list[QuoteLine] = []
    if len(lines) > MAX_LINES:
        raise InvalidInput(field_errors={"lines": [_("A quote has at most %(n)s lines.") % {"n": MAX_LINES}]})
    on_date = priced_on or quote.issued_on or timezone.localdate()
    for n, data in enumerate(lines):
        key = f"lines.{n}"
        unknown = sorted(set(data) - LINE_FIELDS)
        for name in unknown:
            errors[f"{key}.{name}"] = [_("This field cannot be set.")]
        line = QuoteLine(quote=quote, position=n + 1)
        currency = str(data.get("currency") or "").strip().upper()
        if currency and currency != quote.currency:
            errors[f"{key}.currency"] = [
                _("This line is in %(line)s but the quote is in %(quote)s.")
                % {"line": currency, "quote": quote.currency}
            ]
        quantity = _decimal(data.get("quantity"))
        if quantity is None:
            errors[f"{key}.quantity"] = [_("Enter a number.")]
        elif quantity <= 0:
            errors[f"{key}.quantity"] = [_("Enter a quantity greater than 0.")]
        elif quantity > _MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
            errors[f"{key}.quantity"] = [_("Enter a quantity up to 999,999,999.999 with at most 3 decimals.")]
        else:
            line.quantity = quantity
        raw_discount = data.get("discount_percent")
        discount = Decimal(0) if raw_discount in (None, "") else _decimal(raw_discount)
        if discount is None or not Decimal(0) <= discount <= Decimal(100):
            errors[f"{key}.discount_percent"] = [_("Enter a discount between 0 and 100 %.")]
        else:
            line.discount_percent = discount.quantize(Decimal("0.01"))
        raw_tax = data.get("tax_rate")
        tax = None if raw_tax in (None, "") else _decimal(raw_tax)
        if raw_tax not in (None, "") and (tax is None or not Decimal(0) <= tax <= Decimal(100)):
            errors[f"{key}.tax_rate"] = [_("Enter a tax rate between 0 and 100 %.")]
        try:
            product = _product_for(data, actor=actor)
        except RecordNotFound:
            errors[f"{key}.product_id"] = [_("Choose a product from the catalog.")]
            product = None
            is_product_line = True
        else:
            is_product_line = product is not None
        description = text_clean(data.get("description"), 300)
        if product is not None:
            if not product.is_active:
                errors[f"{key}.product_id"] = [_("This product is no longer sold.")]
            try:
                price = price_get(product=product, currency=quote.currency, on_date=on_date)
            except PriceNotFound:
                errors[f"{key}.product_id"] = [
                    _("No price book has a price for this product in %(currency)s.")
                    % {"currency": quote.currency}
                ]
            else:
                line.unit_price = price.unit_price
            line.unit_cost = unit_cost_clean(
                data.get("unit_cost"),
                product=product,
                currency=quote.currency,
                on_date=on_date,
                field=f"{key}.unit_cost",
                errors=errors,
            )
            line.product = product
            line.description = description or product.name
            line.tax_rate = tax if tax is not None else tax_rate_get(product=product)
        elif not is_product_line:
            if not description:
                errors[f"{key}.description"] = [_("Describe the line or choose a product.")]
            line.description = description
            price_value = _decimal(data.get("unit_price"))
            if price_value is None:
                errors[f"{key}.unit_price"] = [_("Enter a number.")]
            elif not Decimal(0) <= price_value <= _MAX_PRICE:
                errors[f"{key}.unit_price"] = [_("Enter a unit price between 0 and 999,999,999,999.99.")]
            else:
                line.unit_price = price_value.quantize(Decimal("0.01"))
            line.tax_rate = tax if tax is not None else Decimal(0)
            line.unit_cost = unit_cost_clean(
                data.get("unit_cost"),
                product=None,
                currency=quote.currency,
                on_date=on_date,
                field=f"{key}.unit_cost",
                errors=errors,
            )
        if not any(k.startswith(f"{key}.") for k in errors):
            line.net_amount, line.tax_amount = line.line_amounts()
        built.append(line)
    if errors:
        raise InvalidInput(field_errors=errors)
    return built


def _lines_from_opportunity(opportunity: Opportunity, quote: Quote) -> list[QuoteLine]:
    """The opportunity's lines as the quote's, each with its product's catalog cost on the quote's day."""
    lines = []
    on_date = quote.issued_on or timezone.localdate()
    for n, source in enumerate(opportunity.lines.select_related("product").order_by("position", "id")):
        line = QuoteLine(
            quote=quote,
            position=n + 1,
            product_id=source.product_id,
            description=source.description,
            quantity=source.quantity,
            unit_price=source.unit_price,
            discount_percent=source.discount_percent,
            tax_rate=source.tax_rate,
        )
        line.unit_cost = unit_cost_clean(
            None, product=source.product, currency=quote.currency, on_date=on_date, field="", errors={}
        )
        line.net_amount, line.tax_amount = line.line_amounts()
        lines.append(line)
    return lines


def _lines_store(quote: Quote, lines: list[QuoteLine]) -> None:
    QuoteLine.objects.filter(quote=quote).delete()
    for line in lines:
        line.quote = quote
        line.pk = None
    QuoteLine.objects.bulk_create(lines)
    quote.totals_from(list(lines))


# --- create and edit ------------------------------------------------------------------------------------------
def _apply(quote: Quote, data: Mapping[str, Any], *, actor: Any, errors: dict[str, list[str]]) -> None:
    if "contact" in data:
        contact = data["contact"]
        if contact is None:
            quote.contact = None
        elif getattr(contact, "pk", None) is None or (
            actor is not None and not contact_exists_visible(user=actor, pk=contact.pk)
        ):
            errors["contact"] = [_("Choose a contact you can see.")]
        else:
            quote.contact = contact
    if "valid_until" in data:
        value = data["valid_until"]
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            errors["valid_until"] = [_("Enter a date as YYYY-MM-DD.")]
        elif value < (quote.issued_on or timezone.localdate()):
            errors["valid_until"] = [_("The quote must be valid at least until its own date.")]
        else:
            quote.valid_until = value
    if "language" in data:
        code = str(data["language"] or "").strip().lower()
        if code not in {c for c, _label in settings.LANGUAGES}:
            errors["language"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(c for c, _l in settings.LANGUAGES)}
            ]
        else:
            quote.language = code
    if "currency" in data:
        code = str(data["currency"] or "").strip().upper()
        if len(code) != 3 or not code.isalpha():
            errors["currency"] = [_("Enter an ISO 4217 currency code such as EUR or USD.")]
        else:
            quote.currency = code
    for name, limit in (("terms", 5000), ("notes", 5000)):
        if name in data:
            setattr(quote, name, str(data[name] or "").strip()[:limit])


@transaction.atomic
def quote_create(
    *,
    actor: Any,
    opportunity: Opportunity | None = None,
    account: Any = None,
    owner: Any = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Quote:
    """A new draft quote numbered `Q-00001`…, valid for `CRM_QUOTE_VALIDITY_DAYS` unless `valid_until` says.

    From an `opportunity`: its account, owner and currency, its first contact as the recipient, and its lines
    (unless `lines` are given). Else for an `account` (owner: the actor). The language is the recipient's
    preferred one, else the owner's, else the site's. Nothing is stored when anything is wrong."""
    reject_unknown(fields, QUOTE_FIELDS)
    errors: dict[str, list[str]] = {}
    if opportunity is not None:
        if actor is not None and not _opportunity_visible(actor, opportunity):
            raise InvalidInput(field_errors={"opportunity": [_("Choose an opportunity you can see.")]})
        account = opportunity.account
        owner = owner or opportunity.owner
        fields.setdefault("currency", opportunity.currency)
        if "contact" not in fields:
            link = (
                OpportunityContact.objects.filter(opportunity=opportunity)
                .select_related("contact")
                .order_by("id")
                .first()
            )
            fields["contact"] = link.contact if link is not None else None
    if account is None or getattr(account, "pk", None) is None:
        raise InvalidInput(field_errors={"account": [_("Choose an account.")]})
    if actor is not None and not account_exists_visible(user=actor, pk=account.pk):
        raise InvalidInput(field_errors={"account": [_("Choose an account you can see.")]})
    owner = owner or actor
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    today = timezone.localdate()
    quote = Quote(
        account=account,
        opportunity=opportunity,
        owner=owner,
        issued_on=today,
        valid_until=today + dt.timedelta(days=int(settings.CRM_QUOTE_VALIDITY_DAYS)),
        currency=str(getattr(settings, "DEFAULT_CURRENCY", "EUR")),
    )
    fields.setdefault("currency", quote.currency)
    _apply(quote, fields, actor=actor, errors=errors)
    if "language" not in fields:
        contact = quote.contact
        quote.language = _language_pick(
            getattr(contact, "language", "") if contact is not None else "",
            getattr(owner, "language", ""),
            getattr(actor, "language", ""),
        )
    if errors:
        raise InvalidInput(field_errors=errors)
    built: list[QuoteLine] = []
    if lines is not None:
        built = lines_build(quote=quote, lines=list(lines), actor=actor, priced_on=today)
    elif opportunity is not None:
        built = _lines_from_opportunity(opportunity, quote)
    quote.number = number_next(series="quote", prefix="Q-")
    quote.totals_from(list(built))
    with audit_context(actor=actor):
        quote.save()
        _lines_store(quote, built)
        quote.save(
            update_fields=["subtotal", "discount_total", "net_total", "tax_total", "total", "updated_at"]
        )
    _event(quote, "created", actor=actor)
    return quote


def _opportunity_visible(actor: Any, opportunity: Opportunity) -> bool:
    from crm.sales.selectors.opportunities import opportunity_exists_visible

    return opportunity_exists_visible(user=actor, pk=opportunity.pk)


def quote_locked(quote: Quote, *, actor: Any, expected_version: int | None = None) -> Quote:
    """The quote under a row lock, after checking the actor may change it and saw its current version."""
    locked = Quote.objects.select_for_update().filter(pk=quote.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


def _require_draft(quote: Quote) -> None:
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteNotEditable()


@transaction.atomic
def quote_update(*, actor: Any, quote: Quote, expected_version: int | None = None, **changes: Any) -> Quote:
    """Change a draft quote's recipient, validity, language, terms or notes (the currency only while it has no
    lines). A stale `expected_version` raises ConcurrentEdit; nothing is written then."""
    reject_unknown(changes, QUOTE_FIELDS)
    locked = quote_locked(quote, actor=actor, expected_version=expected_version)
    _require_draft(locked)
    errors: dict[str, list[str]] = {}
    new_currency = str(changes.get("currency") or "").strip().upper()
    if (
        "currency" in changes
        and new_currency != locked.currency
        and QuoteLine.objects.filter(quote=locked).exists()
    ):
        errors["currency"] = [_("Remove the lines first: they are priced in %(c)s.") % {"c": locked.currency}]
    _apply(locked, changes, actor=actor, errors=errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    return locked


@transaction.atomic
def quote_lines_set(
    *, actor: Any, quote: Quote, lines: Sequence[Mapping[str, Any]], expected_version: int | None = None
) -> Quote:
    """Replace a draft quote's lines (in the order given) and recompute its totals. Every line is checked
    first; one bad line stores nothing. A rejected approval stays on record until the quote is submitted
    again."""
    locked = quote_locked(quote, actor=actor, expected_version=expected_version)
    _require_draft(locked)
    built = lines_build(quote=locked, lines=list(lines), actor=actor)
    locked.version += 1
    with audit_context(actor=actor):
        _lines_store(locked, built)
        locked.save()
    _event(locked, "lines", actor=actor, note=str(len(built)))
    return locked


# --- approval -----------------------------------------------------------------------------------------------------
@transaction.atomic
def quote_submit(*, actor: Any, quote: Quote, expected_version: int | None = None) -> Quote:
    """The rep asks for approval of a draft whose discounts are above the limit: it waits for a manager."""
    locked = quote_locked(quote, actor=actor, expected_version=expected_version)
    _require_draft(locked)
    if not needs_approval(QuoteLine.objects.filter(quote=locked)):
        raise QuoteApprovalNotNeeded()
    locked.status = QuoteStatus.PENDING_APPROVAL
    locked.approval_status = ApprovalStatus.PENDING
    locked.approved_by = None
    locked.approved_at = None
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    _event(locked, "submitted", actor=actor)
    return locked


def _decide(*, actor: Any, quote: Quote, expected_version: int | None) -> Quote:
    if actor is not None and not user_may_approve(actor):
        # a rep may not even learn whether it could see the quote through this door
        record_authorize(actor=actor, record=quote, action="view")
        raise QuoteApproverRequired()
    locked = quote_locked(quote, actor=actor, expected_version=expected_version)
    if locked.status != QuoteStatus.PENDING_APPROVAL:
        raise QuoteNotPendingApproval()
    return locked


@transaction.atomic
def quote_approve(*, actor: Any, quote: Quote, expected_version: int | None = None) -> Quote:
    """A sales manager or administrator approves the discounts: the quote may be sent (its lines are final)."""
    locked = _decide(actor=actor, quote=quote, expected_version=expected_version)
    locked.status = QuoteStatus.APPROVED
    locked.approval_status = ApprovalStatus.APPROVED
    locked.approved_by = user_or_none(actor)
    locked.approved_at = timezone.now()
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    _event(locked, "approved", actor=actor)
    return locked


@transaction.atomic
def quote_reject(*, actor: Any, quote: Quote, reason: str = "", expected_version: int | None = None) -> Quote:
    """A manager refuses the discounts: the quote goes back to draft for the rep to change."""
    locked = _decide(actor=actor, quote=quote, expected_version=expected_version)
    locked.status = QuoteStatus.DRAFT
    locked.approval_status = ApprovalStatus.REJECTED
    locked.approved_by = user_or_none(actor)
    locked.approved_at = timezone.now()
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    _event(locked, "rejected", actor=actor, note=str(reason or "").strip())
    return locked


# --- sending --------------------------------------------------------------------------------------------------
def _sendable(quote: Quote, lines: list[QuoteLine]) -> None:
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.APPROVED) or not lines:
        raise QuoteCannotBeSent()
    if needs_approval(lines) and quote.status != QuoteStatus.APPROVED:
        raise QuoteApprovalRequired()
    if quote.is_expired_on(timezone.localdate()):
        raise QuoteExpired(_("This quote’s validity date has passed: change it before sending."))


def quote_recipient_default(quote: Quote) -> str:
    if quote.contact is not None and quote.contact.email:
        return str(quote.contact.email)
    return str(quote.account.email or "")


@transaction.atomic
def quote_send(
    *,
    actor: Any,
    quote: Quote,
    to: str | None = None,
    expected_version: int | None = None,
    enqueue: bool = True,
) -> Quote:
    """Check the quote may go out and queue the email (PDF attached, signed link) as a background job after
    commit. `to` defaults to the recipient contact's email, else the account's. The quote becomes `sent`
    when the job has handed the email to the mail server (`quote_deliver`)."""
    locked = quote_locked(quote, actor=actor, expected_version=expected_version)
    _sendable(locked, list(QuoteLine.objects.filter(quote=locked)))
    address = (to or "").strip().lower() or quote_recipient_default(locked).lower()
    try:
        validate_email(address)
    except Exception:
        raise InvalidInput(
            field_errors={"to": [_("Enter the email address to send the quote to.")]}
        ) from None
    locked.sent_to = address
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    if enqueue:
        from crm.sales.tasks import quote_send_task

        quote_id, actor_id = locked.pk, getattr(actor, "pk", None)
        transaction.on_commit(lambda: quote_send_task.enqueue(quote_id=quote_id, actor_id=actor_id))
    return locked


def quote_email(*, quote: Quote, pdf: bytes, link: str) -> EmailMultiAlternatives:
    """The email to the customer, in the quote's language: text and HTML bodies, the PDF attached."""
    with translation.override(quote.language):
        context = {
            "quote": quote,
            "link": link,
            "company_name": settings.CRM_COMPANY_NAME,
            "total_text": format_money(quote.total, quote.currency),
        }
        subject = _("Quote %(number)s from %(company)s") % {
            "number": quote.label,
            "company": settings.CRM_COMPANY_NAME,
        }
        text = render_to_string("sales/quotes/email.txt", context)
        html = render_to_string("sales/quotes/email.html", context)
        filename = _("quote-%(number)s.pdf") % {"number": quote.label.replace(" ", "-")}
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[quote.sent_to],
        reply_to=[quote.owner.email] if quote.owner.email else None,
    )
    message.attach_alternative(html, "text/html")
    message.attach(filename, pdf, "application/pdf")
    return message


def quote_deliver(*, quote_id: int, actor_id: int | None = None) -> Quote | None:
    """The job's work: render the PDF, email it with the signed link, then mark the quote sent (`sent_at`,
    the PDF kept with it, `QuoteSent`). Idempotent: a quote already sent, or no longer sendable, is left
    alone (None). The email goes out outside any transaction; only the bookkeeping after it is atomic."""
    from crm.sales.selectors.quotes import quote_pdf, quote_public_url

    quote = (
        Quote.objects.select_related("account", "contact", "owner", "opportunity").filter(pk=quote_id).first()
    )
    if quote is None or quote.sent_at is not None or not quote.sent_to:
        return None
    lines = list(QuoteLine.objects.filter(quote=quote))
    try:
        _sendable(quote, lines)
    except Exception:
        return None
    pdf = quote_pdf(quote=quote, lines=lines)
    quote_email(quote=quote, pdf=pdf, link=quote_public_url(quote=quote)).send(fail_silently=False)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote_id)
        if locked.sent_at is not None:
            return locked
        now = timezone.now()
        locked.status = QuoteStatus.SENT
        locked.sent_at = now
        locked.version += 1
        with audit_context(actor=actor, source="job"):
            locked.pdf.save(f"{locked.number}-v{locked.revision}.pdf", ContentFile(pdf), save=False)
            locked.save()
        _event(locked, "sent", actor=actor, note=locked.sent_to, at=now)
        publish_on_commit(
            QuoteSent(quote_id=locked.pk, opportunity_id=locked.opportunity_id, actor_id=actor_id)
        )
    return locked


# --- revisions ----------------------------------------------------------------------------------------------------
@transaction.atomic
def quote_revise(*, actor: Any, quote: Quote, expected_version: int | None = None) -> Quote:
    """A new draft revision (same number, revision n+1) copying a sent, declined or expired quote and its
    lines, valid for a fresh period; the previous revision becomes `superseded`."""
    locked = quote_locked(quote, actor=actor, expected_version=expected_version)
    expired = locked.status == QuoteStatus.SENT and locked.is_expired_on(timezone.localdate())
    if locked.status not in REVISABLE and not expired:
        raise QuoteCannotBeRevised()
    today = timezone.localdate()
    latest = (
        Quote.all_objects.filter(number=locked.number)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    revision = Quote(
        number=locked.number,
        revision=(latest or locked.revision) + 1,
        previous=locked,
        opportunity_id=locked.opportunity_id,
        account_id=locked.account_id,
        contact_id=locked.contact_id,
        owner_id=locked.owner_id,
        language=locked.language,
        currency=locked.currency,
        issued_on=today,
        valid_until=today + dt.timedelta(days=int(settings.CRM_QUOTE_VALIDITY_DAYS)),
        terms=locked.terms,
        notes=locked.notes,
    )
    lines = []
    for source in QuoteLine.objects.filter(quote=locked).order_by("position", "id"):
        source.pk = None
        lines.append(source)
    revision.totals_from(list(lines))
    locked.status = QuoteStatus.SUPERSEDED
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
        revision.save()
        _lines_store(revision, lines)
        revision.save(
            update_fields=["subtotal", "discount_total", "net_total", "tax_total", "total", "updated_at"]
        )
    _event(locked, "superseded", actor=actor, note=revision.label)
    _event(revision, "revised", actor=actor, note=locked.label)
    return revision


# --- the customer's answer ------------------------------------------------------------------------------------------
def _answerable(quote: Quote) -> None:
    if quote.status == QuoteStatus.SUPERSEDED:
        raise QuoteSuperseded()
    if quote.status in (QuoteStatus.ACCEPTED, QuoteStatus.DECLINED):
        raise QuoteAlreadyDecided()
    if quote.status == QuoteStatus.EXPIRED or quote.is_expired_on(timezone.localdate()):
        raise QuoteExpired()
    if quote.status != QuoteStatus.SENT or quote.deleted_at is not None:
        raise QuoteNotOpenForAnswer()


def quote_answer_check(*, quote: Quote) -> None:
    """Raise the reason the customer may not answer `quote` now (expired, superseded, already answered…)."""
    _answerable(quote)


@transaction.atomic
def quote_accept(*, quote: Quote, name: str) -> Quote:
    """The customer accepts through the signed link, typing their name: `accepted_at`, `QuoteAccepted`.
    Refused (nothing changes) when the quote expired, was superseded, or was already answered."""
    locked = Quote.objects.select_for_update().filter(pk=quote.pk).first()
    if locked is None:
        raise RecordNotFound()
    _answerable(locked)
    typed = text_clean(name, 200)
    if not typed:
        raise InvalidInput(field_errors={"name": [_("Type your name to accept the quote.")]})
    now = timezone.now()
    locked.status = QuoteStatus.ACCEPTED
    locked.accepted_at = now
    locked.decided_by_name = typed
    locked.version += 1
    with audit_context(reason=_("Accepted by %(name)s") % {"name": typed}):
        locked.save()
    _event(locked, "accepted", actor=None, note=typed, at=now)
    publish_on_commit(QuoteAccepted(quote_id=locked.pk, opportunity_id=locked.opportunity_id))
    return locked


@transaction.atomic
def quote_decline(*, quote: Quote, comment: str = "", name: str = "") -> Quote:
    """The customer declines through the signed link, optionally saying why: `declined_at`, `QuoteDeclined`."""
    locked = Quote.objects.select_for_update().filter(pk=quote.pk).first()
    if locked is None:
        raise RecordNotFound()
    _answerable(locked)
    now = timezone.now()
    locked.status = QuoteStatus.DECLINED
    locked.declined_at = now
    locked.decided_by_name = text_clean(name, 200)
    locked.decision_note = str(comment or "").strip()[:2000]
    locked.version += 1
    with audit_context(reason=_("Declined by the customer")):
        locked.save()
    _event(locked, "declined", actor=None, note=locked.decision_note, at=now)
    publish_on_commit(QuoteDeclined(quote_id=locked.pk, opportunity_id=locked.opportunity_id))
    return locked
