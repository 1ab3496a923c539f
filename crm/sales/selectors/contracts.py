"""Permission-scoped reads of contracts: the list, the record page, the account's panel, the timelines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.core.errors import RecordNotFound
from crm.core.listing import FilterField, ListSpec, Page, SortField, capped_count
from crm.sales.enums import ContractStatus
from crm.sales.models import Contract, ContractEvent, ContractLine, Invoice
from crm.sales.selectors.common import record_pk

OBJECT_TYPE = "sales.contract"

CONTRACT_LIST = ListSpec(
    object_type=OBJECT_TYPE,
    filters=(
        FilterField("status", "status", "choice", _("Status"), tuple(ContractStatus.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("currency", "currency", "text", _("Currency")),
        FilterField("auto_renew", "auto_renew", "bool", _("Renews automatically")),
        FilterField("start_date", "start_date", "date", _("Start date")),
        FilterField("end_date", "end_date", "date", _("End date")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
    ),
    sorts=(
        SortField("end_date", "end_date", _("End date")),
        SortField("start_date", "start_date", _("Start date")),
        SortField("number", "number", _("Number")),
        SortField("total", "total", _("Total")),
        SortField("created_at", "created_at", _("Created")),
    ),
    default_sort="end_date",
    search_paths=("number", "title", "account__name"),
)


def contract_query(*, user: Any, params: Mapping[str, Any]) -> QuerySet[Contract]:
    return CONTRACT_LIST.apply(Contract.objects.visible_to(user), params, user=user)


def contract_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the contracts `user` may see, filtered by `params` (see CONTRACT_LIST)."""
    qs = contract_query(user=user, params=params).select_related("account", "owner")
    return CONTRACT_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def contract_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(contract_query(user=user, params=params))


def contract_get(*, user: Any, pk: int | str, action: str = "view") -> Contract:
    """One contract with its lines, account, contact, owner, renewal opportunity and predecessor; 404 when the
    user may not `action` it."""
    lines = Prefetch(
        "lines", queryset=ContractLine.objects.select_related("product").order_by("position", "id")
    )
    contract = (
        Contract.objects.visible_to(user, action)
        .select_related("account", "contact", "owner", "renewal_opportunity", "renewed_from")
        .prefetch_related(lines)
        .filter(pk=record_pk(pk))
        .first()
    )
    if contract is None:
        raise RecordNotFound()
    return contract


def contract_exists_visible(*, user: Any, pk: int) -> bool:
    return Contract.objects.visible_to(user).filter(pk=pk).exists()


def contract_successor(*, user: Any, contract: Contract) -> Contract | None:
    """The contract that renewed this one, when the user may see it."""
    return Contract.objects.visible_to(user).filter(renewed_from=contract).order_by("id").first()


def contract_invoices(*, user: Any, contract: Contract, limit: int = 50) -> list[Invoice]:
    """The invoices generated from the contract that `user` may see, newest first."""
    return list(
        Invoice.objects.visible_to(user)
        .filter(contract=contract)
        .prefetch_related(Prefetch("lines", queryset=_invoice_lines()))
        .order_by("-created_at", "-id")[:limit]
    )


def _invoice_lines() -> QuerySet[Any]:
    from crm.sales.models import InvoiceLine

    return InvoiceLine.objects.order_by("position", "id")


def account_contracts(*, user: Any, account_id: int, limit: int = 10) -> list[Contract]:
    """The account's contracts `user` may see: active and draft ones first, then by end date."""
    live = Q(status__in=[ContractStatus.ACTIVE, ContractStatus.DRAFT])
    rows = list(
        Contract.objects.visible_to(user)
        .filter(account_id=account_id)
        .filter(live)
        .order_by("end_date", "id")[:limit]
    ) + list(
        Contract.objects.visible_to(user)
        .filter(account_id=account_id)
        .exclude(live)
        .order_by("-end_date", "-id")[:limit]
    )
    return rows[:limit]


def contract_events_page(
    *,
    user: Any,
    contract_id: int | None = None,
    account_id: int | None = None,
    verbs: tuple[str, ...] = (),
    before: Any = None,
    limit: int = 25,
) -> list[ContractEvent]:
    """A contract's (or an account's visible contracts') events, newest first, keyset by (at, id)."""
    qs = ContractEvent.objects.select_related("actor", "contract").filter(
        contract__in=Contract.objects.visible_to(user).values("pk")
    )
    if contract_id is not None:
        qs = qs.filter(contract_id=contract_id)
    else:
        qs = qs.filter(account_id=account_id or 0)
    if verbs:
        qs = qs.filter(verb__in=verbs)
    if before is not None:
        at, last_id = before
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=last_id), at__lte=at)
    return list(qs.order_by("-at", "-id")[:limit])
