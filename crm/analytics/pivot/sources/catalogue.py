"""The objects a pivot can be built on. Each reads through its owning app's selector (permission-scoped, with that
list's filter grammar); team, industry and the like come through the owner and account joins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.activities.enums import ActivityKind, CallDirection, CallOutcome, Channel
from crm.analytics.pivot.sources import (
    CHOICE,
    DATE,
    DATETIME,
    FK,
    TEAM,
    TEXT,
    USER,
    Dimension,
    Measure,
    Source,
    source_register,
)
from crm.contacts.enums import AccountStatus, AccountType, CompanySize, Consent, Industry
from crm.leads.enums import LeadSource, LeadStatus
from crm.sales.enums import InvoiceStatus, OpportunityStatus, OrderStatus, PaymentMethod


def _user_names(ids: list[Any]) -> Mapping[Any, str]:
    from crm.core.identity.selectors import user_names

    return user_names(ids=[i for i in ids if i is not None])


def _team_names(ids: list[Any]) -> Mapping[Any, str]:
    from crm.core.identity.selectors import team_list

    wanted = {i for i in ids if i is not None}
    return {t.pk: t.name for t in team_list() if t.pk in wanted}


def _stage_names(ids: list[Any]) -> Mapping[Any, str]:
    from crm.sales.selectors.pipelines import stage_names

    return stage_names(ids=[i for i in ids if i is not None])


def _pipeline_names(ids: list[Any]) -> Mapping[Any, str]:
    from crm.sales.selectors.pipelines import pipeline_names

    return pipeline_names(ids=[i for i in ids if i is not None])


def _product_names(ids: list[Any]) -> Mapping[Any, str]:
    from crm.catalog.selectors import product_names

    return product_names(ids=[i for i in ids if i is not None])


def _territory_names(ids: list[Any]) -> Mapping[Any, str]:
    from crm.core.assignment.selectors import territory_names

    return territory_names(ids=[i for i in ids if i is not None])


def _owner_dims(prefix: str = "") -> tuple[Dimension, Dimension]:
    return (
        Dimension("owner", _("Owner"), f"{prefix}owner", USER, labels=_user_names),
        Dimension("team", _("Team"), f"{prefix}owner__team", TEAM, labels=_team_names),
    )


def _account_dims(prefix: str) -> tuple[Dimension, ...]:
    return (
        Dimension("industry", _("Industry"), f"{prefix}industry", CHOICE, tuple(Industry.choices)),
        Dimension(
            "account_type", _("Account type"), f"{prefix}account_type", CHOICE, tuple(AccountType.choices)
        ),
        Dimension("company_size", _("Company size"), f"{prefix}size", CHOICE, tuple(CompanySize.choices)),
        # the account's stored territory (crm.contacts keeps it from the primary address)
        Dimension("territory", _("Territory"), f"{prefix}territory", FK, labels=_territory_names),
    )


def _opportunities(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.sales.selectors.opportunities import opportunity_query

    return opportunity_query(user=user, params=params)


def _orders(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.sales.selectors.orders import order_query

    return order_query(user=user, params=params)


def _invoice_lines(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.sales.selectors.invoices import invoice_line_query

    return invoice_line_query(user=user, params=params)


def _payments(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.sales.selectors.invoices import payment_query

    return payment_query(user=user, params=params)


def _activities(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.activities.selectors import activity_query

    return activity_query(user=user, params=params)


def _accounts(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.contacts.selectors import account_query

    return account_query(user=user, params=params)


def _contacts(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.contacts.selectors import contact_query

    return contact_query(user=user, params=params)


def _leads(*, user: Any, params: Mapping[str, Any]) -> Any:
    from crm.leads.selectors import lead_query

    return lead_query(user=user, params=params)


_CREATED = Dimension("created_at", _("Created"), "created_at", DATETIME)

SOURCES = (
    Source(
        key="opportunities",
        label=_("Opportunities"),
        object_type="sales.opportunity",
        query=_opportunities,
        dimensions=(
            Dimension("close_date", _("Expected close date"), "close_date", DATE),
            Dimension("closed_on", _("Closed on"), "closed_on", DATE),
            _CREATED,
            *_owner_dims(),
            Dimension("stage", _("Stage"), "stage", FK, labels=_stage_names),
            Dimension("pipeline", _("Pipeline"), "pipeline", FK, labels=_pipeline_names),
            Dimension("status", _("Status"), "status", CHOICE, tuple(OpportunityStatus.choices)),
            Dimension("currency", _("Currency"), "currency", TEXT),
            *_account_dims("account__"),
        ),
        measures=(
            Measure("amount", _("Amount"), "amount", currency_path="currency"),
            Measure("probability", _("Probability (%)"), "probability"),
        ),
        distinct=(Measure("account", _("Accounts"), "account"),),
        filter_names=("pipeline", "stage", "status", "owner", "account", "currency", "amount", "close_date"),
        list_url_name="sales:opportunity_list",
    ),
    Source(
        key="orders",
        label=_("Orders"),
        object_type="sales.order",
        query=_orders,
        dimensions=(
            Dimension("ordered_on", _("Order date"), "ordered_on", DATE),
            _CREATED,
            *_owner_dims(),
            Dimension("status", _("Status"), "status", CHOICE, tuple(OrderStatus.choices)),
            Dimension("currency", _("Currency"), "currency", TEXT),
            *_account_dims("account__"),
        ),
        measures=(
            Measure("total", _("Total"), "total", currency_path="currency"),
            Measure("net_total", _("Net total"), "net_total", currency_path="currency"),
        ),
        distinct=(Measure("account", _("Accounts"), "account"),),
        list_url_name="sales:order_list",
    ),
    Source(
        key="invoice_lines",
        label=_("Invoice lines"),
        object_type="sales.invoice",
        query=_invoice_lines,
        dimensions=(
            Dimension("issue_date", _("Issue date"), "invoice__issue_date", DATE),
            Dimension("product", _("Product"), "product", FK, labels=_product_names),
            *_owner_dims("invoice__"),
            Dimension("status", _("Invoice status"), "invoice__status", CHOICE, tuple(InvoiceStatus.choices)),
            Dimension("currency", _("Currency"), "invoice__currency", TEXT),
            *_account_dims("invoice__account__"),
        ),
        measures=(
            Measure("net_amount", _("Net amount"), "net_amount", currency_path="invoice__currency"),
            Measure("quantity", _("Quantity"), "quantity"),
        ),
        distinct=(
            Measure("invoice", _("Invoices"), "invoice"),
            Measure("account", _("Accounts"), "invoice__account"),
        ),
        list_url_name="sales:invoice_list",
    ),
    Source(
        key="payments",
        label=_("Payments"),
        object_type="sales.payment",
        query=_payments,
        dimensions=(
            Dimension("paid_on", _("Paid on"), "paid_on", DATE),
            *_owner_dims(),
            Dimension("method", _("Method"), "method", CHOICE, tuple(PaymentMethod.choices)),
            Dimension("currency", _("Currency"), "currency", TEXT),
            *_account_dims("account__"),
        ),
        measures=(Measure("amount", _("Amount"), "amount", currency_path="currency"),),
        distinct=(Measure("account", _("Accounts"), "account"),),
        list_url_name="sales:payment_list",
    ),
    Source(
        key="activities",
        label=_("Activities"),
        object_type="activities.activity",
        query=_activities,
        dimensions=(
            Dimension("occurred_at", _("When"), "occurred_at", DATETIME),
            _CREATED,
            *_owner_dims(),
            Dimension("kind", _("Kind"), "kind", CHOICE, tuple(ActivityKind.choices)),
            Dimension("channel", _("Channel"), "channel", CHOICE, tuple(Channel.choices)),
            Dimension("direction", _("Direction"), "direction", CHOICE, tuple(CallDirection.choices)),
            Dimension("outcome", _("Outcome"), "outcome", CHOICE, tuple(CallOutcome.choices)),
            *_account_dims("account__"),
        ),
        distinct=(Measure("account", _("Accounts"), "account"), Measure("contact", _("Contacts"), "contact")),
        custom_object_type="activities.activity",
        list_url_name="activities:activity_list",
    ),
    Source(
        key="accounts",
        label=_("Accounts"),
        object_type="contacts.account",
        query=_accounts,
        dimensions=(
            _CREATED,
            *_owner_dims(),
            Dimension("status", _("Status"), "status", CHOICE, tuple(AccountStatus.choices)),
            *_account_dims(""),
        ),
        custom_object_type="contacts.account",
        list_url_name="contacts:account_list",
    ),
    Source(
        key="contacts",
        label=_("Contacts"),
        object_type="contacts.contact",
        query=_contacts,
        dimensions=(
            _CREATED,
            *_owner_dims(),
            Dimension("email_consent", _("Email consent"), "email_consent", CHOICE, tuple(Consent.choices)),
            Dimension("language", _("Preferred language"), "language", TEXT),
            *_account_dims("primary_account__"),
        ),
        distinct=(Measure("account", _("Accounts"), "primary_account"),),
        custom_object_type="contacts.contact",
        list_url_name="contacts:contact_list",
    ),
    Source(
        key="leads",
        label=_("Leads"),
        object_type="leads.lead",
        query=_leads,
        dimensions=(
            _CREATED,
            Dimension("owner", _("Owner"), "owner", USER, labels=_user_names),
            Dimension("team", _("Team"), "team", TEAM, labels=_team_names),
            Dimension("source", _("Source"), "source", CHOICE, tuple(LeadSource.choices)),
            Dimension("status", _("Status"), "status", CHOICE, tuple(LeadStatus.choices)),
            Dimension("country", _("Country"), "country", TEXT),
        ),
        measures=(Measure("budget_amount", _("Budget"), "budget_amount", currency_path="budget_currency"),),
        custom_object_type="leads.lead",
        list_url_name="leads:lead_list",
    ),
)


def sources_register() -> None:
    for source in SOURCES:
        source_register(source)
