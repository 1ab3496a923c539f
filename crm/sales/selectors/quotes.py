"""Permission-scoped reads of quotes (list, record, panels, timeline rows), their PDF, and the signed link
the customer answers through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.errors import RecordNotFound
from crm.core.listing import FilterField, ListSpec, Page, SortField, capped_count
from crm.sales.documents import document_pdf
from crm.sales.enums import QuoteStatus
from crm.sales.errors import QuoteLinkInvalid
from crm.sales.models import Quote, QuoteEvent, QuoteLine
from crm.sales.selectors.common import attach_owners

OBJECT_TYPE = "sales.quote"
LINK_SALT = "crm.sales.quote-link"

QUOTE_LIST = ListSpec(
    object_type=OBJECT_TYPE,
    filters=(
        FilterField("status", "status", "choice", _("Status"), tuple(QuoteStatus.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("opportunity", "opportunity", "fk", _("Opportunity")),
        FilterField("currency", "currency", "text", _("Currency")),
        FilterField("issued_on", "issued_on", "date", _("Date")),
        FilterField("valid_until", "valid_until", "date", _("Valid until")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
    ),
    sorts=(
        SortField("issued_on", "issued_on", _("Date")),
        SortField("valid_until", "valid_until", _("Valid until")),
        SortField("total", "total", _("Total")),
        SortField("number", "number", _("Number")),
        SortField("created_at", "created_at", _("Created")),
    ),
    default_sort="-issued_on",
    search_paths=("number", "account__name"),
)


def quote_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Quote]:
    qs: QuerySet[Quote] = Quote.objects.visible_to(user, action)
    if params:
        qs = QUOTE_LIST.apply(qs, params, user=user)
    return qs


def quote_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the quotes `user` may see, filtered by `params` (see QUOTE_LIST)."""
    qs = quote_query(user=user, params=params).select_related("account", "opportunity")
    page = QUOTE_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def quote_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(quote_query(user=user, params=params))


def quote_get(*, user: Any, pk: int | str, action: str = "view") -> Quote:
    """One quote the user may `action`, with its account, opportunity, recipient and owner; 404 otherwise."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    quote = (
        Quote.objects.visible_to(user, action)
        .select_related("account", "opportunity", "contact", "owner", "approved_by")
        .filter(pk=key)
        .first()
    )
    if quote is None:
        raise RecordNotFound()
    return quote


def quote_lines(*, quote: Quote) -> list[QuoteLine]:
    return list(QuoteLine.objects.filter(quote=quote).select_related("product").order_by("position", "id"))


def quote_exists_visible(*, user: Any, pk: int) -> bool:
    return Quote.objects.visible_to(user).filter(pk=pk).exists()


def quote_revisions(*, quote: Quote) -> list[Quote]:
    """Every live revision of the quote's number, newest first."""
    return list(
        Quote.objects.filter(number=quote.number)
        .order_by("-revision")
        .only("id", "number", "revision", "status")
    )


def account_quotes(*, user: Any, account_id: int, limit: int = 10) -> list[Quote]:
    """The latest quotes of an account (the account page's panel), superseded revisions left out."""
    return list(
        quote_query(user=user)
        .filter(account_id=account_id)
        .exclude(status=QuoteStatus.SUPERSEDED)
        .order_by("-issued_on", "-id")[:limit]
    )


def opportunity_quotes(*, user: Any, opportunity_id: int, limit: int = 10) -> list[Quote]:
    return list(
        quote_query(user=user)
        .filter(opportunity_id=opportunity_id)
        .exclude(status=QuoteStatus.SUPERSEDED)
        .order_by("-issued_on", "-id")[:limit]
    )


def quote_events_page(
    *, object_type: str, object_id: int, before: tuple[dt.datetime, int] | None, limit: int
) -> list[QuoteEvent]:
    """A record's quote events newest first (keyset: older than `before`), for the timeline."""
    column = {
        "sales.quote": "quote_id",
        "sales.opportunity": "opportunity_id",
        "contacts.account": "account_id",
    }.get(object_type)
    if column is None:
        return []
    qs = QuoteEvent.objects.filter(**{column: object_id})
    if before is not None:
        at, last_id = before
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=last_id), at__lte=at)
    return list(qs.select_related("quote", "actor").order_by("-at", "-id")[:limit])


# --- the PDF -----------------------------------------------------------------------------------------------------
def quote_pdf(*, quote: Quote, lines: list[QuoteLine] | None = None) -> bytes:
    """The quote as a PDF in its language, with the company's branding."""
    return document_pdf(
        template="sales/pdf/quote.html",
        context={"quote": quote, "lines": lines if lines is not None else quote_lines(quote=quote)},
        language=quote.language,
    )


def quote_pdf_filename(*, quote: Quote) -> str:
    return f"{quote.number}{'' if quote.revision == 1 else f'-v{quote.revision}'}.pdf"


# --- the signed link -------------------------------------------------------------------------------------------------
def quote_token(*, quote: Quote) -> str:
    """The signed token of the customer's link: names the quote and the last day it is valid (salted, so
    no other signed value of the site can be replayed here)."""
    return signing.dumps({"q": quote.pk, "u": quote.valid_until.isoformat()}, salt=LINK_SALT, compress=True)


def quote_public_url(*, quote: Quote) -> str:
    return f"{settings.CRM_PUBLIC_URL}{reverse('sales:quote_public', args=[quote_token(quote=quote)])}"


def quote_public_get(*, token: str) -> Quote:
    """The quote a signed link names. QuoteLinkInvalid for a tampered or unknown token (the expiry, a newer
    revision or an earlier answer are for the page to explain: the customer still sees what they answer)."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
        pk = int(data["q"])
        dt.date.fromisoformat(str(data["u"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise QuoteLinkInvalid() from None
    quote = Quote.objects.select_related("account", "contact", "owner").filter(pk=pk).first()
    if quote is None:
        raise QuoteLinkInvalid()
    return quote


def quote_is_expired(*, quote: Quote) -> bool:
    return quote.status == QuoteStatus.EXPIRED or quote.is_expired_on(timezone.localdate())


def quote_product_choices(*, user: Any, limit: int = 500) -> list[tuple[int, str]]:
    """Active catalog products the user may see, for the lines editor's picker."""
    from crm.catalog.selectors import product_query

    rows = (
        product_query(user=user)
        .filter(is_active=True)
        .order_by("name", "id")
        .values_list("id", "sku", "name")
    )
    return [(pk, f"{name} · {sku}") for pk, sku, name in rows[:limit]]


def quote_contact_choices(*, user: Any, quote: Quote) -> list[tuple[int, str]]:
    """People of the quote's account the user may see (the recipient picker), the current one included."""
    from crm.contacts.selectors import account_contacts

    choices = [(m.contact.pk, str(m.contact)) for m in account_contacts(user=user, account=quote.account)]
    if quote.contact is not None and all(pk != quote.contact_id for pk, _label in choices):
        choices.insert(0, (quote.contact.pk, str(quote.contact)))
    return choices
