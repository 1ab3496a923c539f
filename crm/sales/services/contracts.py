"""Writes on contracts: create and update (with their recurring lines), activate, cancel.

A contract is a draft until activated; activating starts the billing of every line on the start date (see
`contract_billing`). Lines take their price and tax from the catalog (`price_get` in the contract's currency on
its start date) unless the caller gives them; a free line needs a description and a price. Every state change is
audited and lands on the contract's and its account's timelines (`ContractEvent`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import list_currencies
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.catalog.enums import BillingPeriod
from crm.catalog.errors import PriceNotFound
from crm.catalog.selectors import price_get, tax_rate_get
from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.identity.models import User
from crm.core.records import record_authorize, record_authorize_create
from crm.sales.enums import ContractStatus
from crm.sales.errors import ContractStateInvalid
from crm.sales.models import Contract, ContractEvent, ContractLine
from crm.sales.services.numbering import number_next
from crm.sales.services.values import reject_unknown, text_clean, user_or_none

OBJECT_TYPE = "sales.contract"
CONTRACT_FIELDS = frozenset(
    {
        "title",
        "account",
        "contact",
        "owner",
        "start_date",
        "end_date",
        "auto_renew",
        "renewal_term_months",
        "renewal_notice_days",
        "payment_terms_days",
        "terms",
        "currency",
    }
)
LINE_FIELDS = frozenset(
    {"product", "description", "quantity", "unit_price", "discount_percent", "tax_rate", "billing_period"}
)
# what an active contract may still change (its money and dates are what was agreed)
ACTIVE_FIELDS = frozenset(
    {"title", "contact", "owner", "auto_renew", "renewal_term_months", "renewal_notice_days", "terms"}
)
_CURRENCIES = frozenset(list_currencies())
_MAX_QUANTITY = Decimal("999999999.999")
_MAX_PRICE = Decimal("999999999999.99")
_SMALL_INT_MAX = 32767


# --- timeline ---------------------------------------------------------------------------------------------------
def contract_event_record(
    *, contract: Contract, verb: str, actor: Any, detail: str = "", at: dt.datetime | None = None
) -> ContractEvent:
    """One entry on the contract's and its account's timelines (inside the caller's transaction)."""
    return ContractEvent.objects.create(
        contract=contract,
        account_id=contract.account_id,
        verb=verb,
        actor=user_or_none(actor),
        at=at or timezone.now(),
        detail=detail[:200],
    )


# --- validation -------------------------------------------------------------------------------------------------
def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def _small_int(raw: Any, *, low: int, high: int = _SMALL_INT_MAX) -> int | None:
    if isinstance(raw, bool):
        return None
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def _apply(contract: Contract, data: dict[str, Any], *, actor: Any, errors: dict[str, list[str]]) -> None:
    """Validate `data` onto `contract` (unsaved), collecting each field's problem in `errors`."""
    if "title" in data:
        contract.title = text_clean(data["title"], 200)
        if not contract.title:
            errors["title"] = [_("This field is required.")]
    if "account" in data:
        account = data["account"]
        if account is None or getattr(account, "pk", None) is None:
            errors["account"] = [_("Choose an account.")]
        elif actor is not None and not account_exists_visible(user=actor, pk=account.pk):
            errors["account"] = [_("Choose an account you can see.")]
        else:
            contract.account = account
    if "contact" in data:
        contact = data["contact"]
        if contact is None:
            contract.contact = None
        elif getattr(contact, "pk", None) is None or (
            actor is not None and not contact_exists_visible(user=actor, pk=contact.pk)
        ):
            errors["contact"] = [_("Choose a contact you can see.")]
        else:
            contract.contact = contact
    if "owner" in data:
        owner = data["owner"]
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner"] = [_("Choose an active user.")]
        else:
            contract.owner = owner
    for name in ("start_date", "end_date"):
        if name in data:
            value = _date(data[name])
            if value is None:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            else:
                setattr(contract, name, value)
    if "currency" in data:
        code = str(data["currency"] or "").strip().upper()
        if code not in _CURRENCIES:
            errors["currency"] = [_("Enter an ISO 4217 currency code such as EUR or USD.")]
        else:
            contract.currency = code
    if "auto_renew" in data:
        contract.auto_renew = bool(data["auto_renew"])
    limits = {
        "renewal_term_months": (1, 120, _("Enter a whole number of months between 1 and 120.")),
        "renewal_notice_days": (0, 3650, _("Enter a whole number of days between 0 and 3650.")),
        "payment_terms_days": (0, 365, _("Enter a whole number of days between 0 and 365.")),
    }
    for name, (low, high, message) in limits.items():
        if name in data:
            number = _small_int(data[name], low=low, high=high)
            if number is None:
                errors[name] = [message]
            else:
                setattr(contract, name, number)
    if "terms" in data:
        contract.terms = str(data["terms"] or "").strip()[:20000]
    start, end = getattr(contract, "start_date", None), getattr(contract, "end_date", None)
    if start and end and end < start and "end_date" not in errors:
        errors["end_date"] = [_("The end date cannot be before the start date.")]


def _lines_build(
    contract: Contract, raw_lines: list[dict[str, Any]], *, errors: dict[str, list[str]]
) -> list[ContractLine]:
    """Unsaved lines from the caller's dicts: catalog price and tax unless given; each problem named
    `lines.<index>.<field>`."""
    lines: list[ContractLine] = []
    for index, raw in enumerate(raw_lines):
        key = f"lines.{index}"
        if not isinstance(raw, dict):
            errors[key] = [_("Each line needs a product or a description, a quantity and a price.")]
            continue
        unknown = sorted(set(raw) - LINE_FIELDS)
        for name in unknown:
            errors[f"{key}.{name}"] = [_("This field cannot be set.")]
        product = raw.get("product")
        line = ContractLine(contract=contract, position=index, product=product)
        line.description = text_clean(raw.get("description"), 300)
        if product is not None:
            if getattr(product, "pk", None) is None or not getattr(product, "is_active", False):
                errors[f"{key}.product"] = [_("Choose an active product.")]
                product = None
            elif not line.description:
                line.description = product.name
        elif not line.description:
            errors[f"{key}.description"] = [_("Choose a product or describe the line.")]
        quantity = _decimal(raw.get("quantity", 1))
        if quantity is None:
            errors[f"{key}.quantity"] = [_("Enter a number.")]
        elif quantity <= 0 or quantity > _MAX_QUANTITY:
            errors[f"{key}.quantity"] = [_("The quantity must be more than 0.")]
        else:
            line.quantity = quantity.quantize(Decimal("0.001"))
        period = str(raw.get("billing_period") or "").strip()
        if not period and product is not None and product.billing_period:
            period = product.billing_period
        period = period or BillingPeriod.MONTHLY
        if period not in BillingPeriod.values:
            errors[f"{key}.billing_period"] = [_("Choose monthly, quarterly or yearly.")]
        else:
            line.billing_period = period
        price = _decimal(raw.get("unit_price"))
        if raw.get("unit_price") not in (None, "") and price is None:
            errors[f"{key}.unit_price"] = [_("Enter a number.")]
        elif price is None and product is not None and getattr(contract, "currency", "") in _CURRENCIES:
            try:
                quote = price_get(product=product, currency=contract.currency, on_date=contract.start_date)
            except PriceNotFound:
                errors[f"{key}.product"] = [
                    _(
                        "This product has no price in %(currency)s: choose a product priced in the contract’s "
                        "currency, or enter the price."
                    )
                    % {"currency": contract.currency}
                ]
            else:
                line.unit_price = quote.unit_price
        elif price is None and product is None:
            errors[f"{key}.unit_price"] = [_("Enter the price of a line without a product.")]
        elif price is not None:
            if price < 0 or price > _MAX_PRICE:
                errors[f"{key}.unit_price"] = [_("The price cannot be negative.")]
            else:
                line.unit_price = price.quantize(Decimal("0.01"))
        discount = _decimal(raw.get("discount_percent", 0))
        if discount is None or not 0 <= discount <= 100:
            errors[f"{key}.discount_percent"] = [_("Enter a percentage between 0 and 100.")]
        else:
            line.discount_percent = discount.quantize(Decimal("0.01"))
        if raw.get("tax_rate") not in (None, ""):
            rate = _decimal(raw.get("tax_rate"))
            if rate is None or not 0 <= rate <= 100:
                errors[f"{key}.tax_rate"] = [_("Enter a percentage between 0 and 100.")]
            else:
                line.tax_rate = rate.quantize(Decimal("0.0001"))
        else:
            line.tax_rate = tax_rate_get(product=product) if product is not None else Decimal(0)
        lines.append(line)
    return lines


def _lines_price(contract: Contract, lines: list[ContractLine]) -> None:
    """Each line's stored amounts, and the contract's totals (one billing of every line)."""
    for line in lines:
        line.net_amount, line.tax_amount = line.line_amounts()
    contract.totals_from(list(lines))


def _lines_save(contract: Contract, lines: list[ContractLine]) -> None:
    for line in lines:
        line.contract = contract
    ContractLine.objects.bulk_create(lines)


def contract_locked(contract: Contract, *, actor: Any, expected_version: int | None) -> Contract:
    """The contract re-read under a row lock, after checking the actor may change it and the version."""
    locked = Contract.objects.select_for_update().filter(pk=contract.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


# --- writes -----------------------------------------------------------------------------------------------------
@transaction.atomic
def contract_create(
    *, actor: Any, lines: list[dict[str, Any]] | None = None, owner: Any = None, **fields: Any
) -> Contract:
    """A draft contract numbered `CT-00001`… with its recurring lines (`lines`: dicts of product, description,
    quantity, unit_price, discount_percent, tax_rate, billing_period). Refused with every field's problem
    (InvalidInput, 422) and nothing stored when any field or line is wrong."""
    reject_unknown(fields, CONTRACT_FIELDS)
    owner = owner or actor
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})
    record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=owner.pk)
    contract = Contract(owner=owner)
    errors: dict[str, list[str]] = {}
    for name in ("title", "account", "start_date", "end_date", "currency"):
        if fields.get(name) in (None, ""):
            errors[name] = [_("This field is required.")]
    _apply(contract, {k: v for k, v in fields.items() if k not in errors}, actor=actor, errors=errors)
    # the lines are checked too (all problems at once) unless their prices cannot be looked up
    priced = "currency" not in errors and "start_date" not in errors
    built = _lines_build(contract, list(lines or []), errors=errors) if priced else []
    if errors:
        raise InvalidInput(field_errors=errors)
    contract.number = number_next(series="contract", prefix="CT-")
    _lines_price(contract, built)
    with audit_context(actor=actor):
        contract.save()
        _lines_save(contract, built)
    contract_event_record(contract=contract, verb="created", actor=actor)
    return contract


@transaction.atomic
def contract_update(
    *,
    actor: Any,
    contract: Contract,
    expected_version: int | None = None,
    lines: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> Contract:
    """Change a contract's fields; `lines` (when given) replaces every line. A draft may change everything; an
    active contract only its title, contact, owner, renewal settings and terms. `expected_version` refuses a
    save over someone else's newer edit (ConcurrentEdit) — nothing is overwritten."""
    reject_unknown(changes, CONTRACT_FIELDS)
    locked = contract_locked(contract, actor=actor, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    if locked.status not in (ContractStatus.DRAFT, ContractStatus.ACTIVE):
        raise ContractStateInvalid(_("Only a draft or active contract can be changed."))
    if locked.status == ContractStatus.ACTIVE:
        for name in sorted(set(changes) - ACTIVE_FIELDS):
            errors[name] = [_("An active contract keeps what was agreed; cancel it and create a new one.")]
        if lines is not None:
            errors["lines"] = [_("An active contract keeps what was agreed; cancel it and create a new one.")]
    new_owner = changes.get("owner")
    if isinstance(new_owner, User) and new_owner.pk != locked.owner_id and actor is not None:
        record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=new_owner.pk)
    old_currency = locked.currency
    if not errors:
        _apply(locked, dict(changes), actor=actor, errors=errors)
    if not errors and lines is None and locked.currency != old_currency and locked.lines.exists():
        errors["currency"] = [
            _("The lines are priced in %(currency)s: send the lines again with the new currency.")
            % {"currency": old_currency}
        ]
    built = _lines_build(locked, list(lines), errors=errors) if lines is not None and not errors else None
    if errors:
        raise InvalidInput(field_errors=errors)
    locked.version += 1
    with audit_context(actor=actor):
        if built is not None:
            _lines_price(locked, built)
            locked.lines.all().delete()
            _lines_save(locked, built)
        locked.save()
    return locked


@transaction.atomic
def contract_activate(*, actor: Any, contract: Contract, expected_version: int | None = None) -> Contract:
    """Draft → active: every line's billing starts on the start date. A contract without lines is refused (422
    on `lines`)."""
    locked = contract_locked(contract, actor=actor, expected_version=expected_version)
    if locked.status != ContractStatus.DRAFT:
        raise ContractStateInvalid(_("Only a draft contract can be activated."))
    lines = list(ContractLine.objects.select_for_update().filter(contract=locked))
    if not lines:
        raise InvalidInput(
            field_errors={"lines": [_("Add at least one line before activating the contract.")]}
        )
    ContractLine.objects.filter(contract=locked).update(next_invoice_on=locked.start_date)
    locked.status = ContractStatus.ACTIVE
    locked.version += 1
    with audit_context(actor=actor):
        locked.save(update_fields=["status", "version", "updated_at"])
    contract_event_record(contract=locked, verb="activated", actor=actor)
    return locked


@transaction.atomic
def contract_cancel(
    *, actor: Any, contract: Contract, expected_version: int | None = None, reason: str = ""
) -> Contract:
    """Draft or active → cancelled: nothing more is invoiced and no renewal opens. Invoices already drafted
    stay (the invoices' own services void them)."""
    locked = contract_locked(contract, actor=actor, expected_version=expected_version)
    if locked.status not in (ContractStatus.DRAFT, ContractStatus.ACTIVE):
        raise ContractStateInvalid(_("Only a draft or active contract can be cancelled."))
    ContractLine.objects.filter(contract=locked).update(next_invoice_on=None)
    locked.status = ContractStatus.CANCELLED
    locked.version += 1
    with audit_context(actor=actor, reason=text_clean(reason, 500) or None):
        locked.save(update_fields=["status", "version", "updated_at"])
    contract_event_record(contract=locked, verb="cancelled", actor=actor, detail=text_clean(reason, 200))
    return locked


@transaction.atomic
def contracts_soft_delete_for_account(*, account_id: int, batch: Any, actor: Any) -> int:
    """An account went to the recycle bin: its contracts follow it in the same batch (nothing more is invoiced
    or renewed for them) and come back with it."""
    rows = list(Contract.objects.select_for_update().filter(account_id=account_id))
    if rows:
        record_soft_delete(instance=rows[0], dependents=rows[1:], actor=actor, batch=batch)
    return len(rows)
