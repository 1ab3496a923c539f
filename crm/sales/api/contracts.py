"""API: contracts with their recurring lines; activate, cancel, and draft the invoices due now.

Thin handlers: validate with the schemas, call the selector or service the web UI calls, serialize.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.catalog.selectors import product_get
from crm.contacts.selectors import account_get, contact_get
from crm.core.api.errors import query_errors, renamed_fields
from crm.core.api.pagination import list_openapi, page_args
from crm.core.api.params import active_user, expected_version
from crm.core.errors import InvalidInput, RecordNotFound
from crm.sales.schemas.contracts import (
    ContractActionIn,
    ContractDetailOut,
    ContractGenerateOut,
    ContractIn,
    ContractLineIn,
    ContractLineOut,
    ContractPage,
    ContractPatch,
)
from crm.sales.selectors.contracts import CONTRACT_LIST, contract_get, contract_list
from crm.sales.services.contract_billing import contract_invoices_generate
from crm.sales.services.contracts import contract_activate, contract_cancel, contract_create, contract_update

router = Router()
contracts = Router(tags=["contracts"])
router.add_router("/contracts", contracts)

FIELD_NAMES = {"owner": "owner_id", "account": "account_id", "contact": "contact_id"}


def _names(count: int) -> dict[str, str]:
    return {**FIELD_NAMES, **{f"lines.{i}.product": f"lines.{i}.product_id" for i in range(count)}}


def _account(user: Any, pk: int) -> Any:
    try:
        return account_get(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={"account_id": [_("Choose an account you can see.")]}) from None


def _contact(user: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return contact_get(user=user, pk=pk)
    except RecordNotFound:
        raise InvalidInput(field_errors={"contact_id": [_("Choose a contact you can see.")]}) from None


def _lines(user: Any, lines: list[ContractLineIn]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        data = line.model_dump()
        product_id = data.pop("product_id")
        if product_id is not None:
            try:
                data["product"] = product_get(user=user, pk=product_id)
            except RecordNotFound:
                raise InvalidInput(
                    field_errors={f"lines.{index}.product_id": [_("Choose a product you can see.")]}
                ) from None
        out.append({k: v for k, v in data.items() if v is not None})
    return out


def _etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


@contracts.get("", response=ContractPage, openapi_extra=list_openapi(CONTRACT_LIST))
def contracts_list(request: HttpRequest) -> Any:
    """Contracts the caller may see (`?status=active&owner=me&end_date__lte=…&sort=end_date`)."""
    with query_errors():
        return contract_list(user=request.auth, params=request.GET, **page_args(request))  # type: ignore[attr-defined]


@contracts.post("", response={201: ContractDetailOut})
def contracts_create(request: HttpRequest, payload: ContractIn) -> Any:
    """A draft contract with its recurring lines (product lines take the catalog's price and tax in the
    contract's currency on its start date unless `unit_price`/`tax_rate` are sent). 422 naming each bad field
    (`end_date`, `lines.0.quantity`, …); nothing is stored then."""
    user = request.auth  # type: ignore[attr-defined]
    data = payload.model_dump()
    raw_lines = data.pop("lines")
    with renamed_fields(_names(len(raw_lines))):
        owner_id = data.pop("owner_id")
        owner = active_user(field="owner_id", pk=owner_id) if owner_id is not None else None
        data["account"] = _account(user, data.pop("account_id"))
        data["contact"] = _contact(user, data.pop("contact_id"))
        contract = contract_create(actor=user, owner=owner, lines=_lines(user, payload.lines), **data)
    return Status(201, contract_get(user=user, pk=contract.pk))


@contracts.get("/{int:contract_id}", response=ContractDetailOut)
def contracts_get(request: HttpRequest, contract_id: int, response: HttpResponse) -> Any:
    contract = contract_get(user=request.auth, pk=contract_id)  # type: ignore[attr-defined]
    _etag(response, contract.version)
    return contract


@contracts.patch("/{int:contract_id}", response=ContractDetailOut)
def contracts_update(
    request: HttpRequest, contract_id: int, payload: ContractPatch, response: HttpResponse
) -> Any:
    """Change the fields sent (`lines` replaces every line; drafts only). Send `version` (or `If-Match`): a
    stale version answers 409 and changes nothing."""
    user = request.auth  # type: ignore[attr-defined]
    contract = contract_get(user=user, pk=contract_id)
    changes = payload.model_dump(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    lines = changes.pop("lines", None)
    with renamed_fields(_names(len(lines or []))):
        if "owner_id" in changes:
            changes["owner"] = active_user(field="owner_id", pk=changes.pop("owner_id"))
        if "account_id" in changes:
            changes["account"] = _account(user, changes.pop("account_id"))
        if "contact_id" in changes:
            changes["contact"] = _contact(user, changes.pop("contact_id"))
        if lines is not None:
            changes["lines"] = _lines(user, payload.lines or [])
        contract_update(actor=user, contract=contract, expected_version=version, **changes)
    contract = contract_get(user=user, pk=contract_id)
    _etag(response, contract.version)
    return contract


@contracts.get("/{int:contract_id}/lines", response=list[ContractLineOut])
def contracts_lines(request: HttpRequest, contract_id: int) -> Any:
    """The recurring lines, each with its billing period and the first day of its next invoice."""
    return list(contract_get(user=request.auth, pk=contract_id).lines.all())  # type: ignore[attr-defined]


@contracts.post("/{int:contract_id}/activate", response=ContractDetailOut)
def contracts_activate(request: HttpRequest, contract_id: int, payload: ContractActionIn) -> Any:
    """Draft → active; billing starts on the start date. 422 `lines` without lines; 409 when it is not a
    draft or `version` is stale."""
    user = request.auth  # type: ignore[attr-defined]
    contract = contract_activate(
        actor=user, contract=contract_get(user=user, pk=contract_id), expected_version=payload.version
    )
    return contract_get(user=user, pk=contract.pk)


@contracts.post("/{int:contract_id}/cancel", response=ContractDetailOut)
def contracts_cancel(request: HttpRequest, contract_id: int, payload: ContractActionIn) -> Any:
    """Draft or active → cancelled: nothing more is invoiced. 409 otherwise or when `version` is stale."""
    user = request.auth  # type: ignore[attr-defined]
    contract = contract_cancel(
        actor=user,
        contract=contract_get(user=user, pk=contract_id),
        expected_version=payload.version,
        reason=payload.reason,
    )
    return contract_get(user=user, pk=contract.pk)


@contracts.post("/{int:contract_id}/invoices", response=ContractGenerateOut)
def contracts_invoices_generate(request: HttpRequest, contract_id: int) -> Any:
    """Draft now the invoices due today (what the daily job does for every contract); an empty list when
    nothing is due."""
    user = request.auth  # type: ignore[attr-defined]
    contract = contract_get(user=user, pk=contract_id)
    run = contract_invoices_generate(today=timezone.localdate(), actor=user, contract=contract)
    return {"invoices": run.invoices}
