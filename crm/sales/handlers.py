"""Domain event handlers (subscribed in `SalesConfig.ready()`); each calls one service."""

from __future__ import annotations

from typing import Any

from crm.contacts.events import AccountDeleted, AccountTerritoryChanged
from crm.core.audit.events import RecordsRestored
from crm.core.identity.events import TeamDeleted
from crm.core.identity.selectors import user_get
from crm.sales.services import opportunities_soft_delete_for_account
from crm.sales.services.forecast import forecast_summary_refresh
from crm.sales.services.lifecycle import (
    lifecycle_refresh,
    lifecycle_refresh_for_order,
    lifecycle_summary_team_deleted,
)
from crm.sales.services.line_months import order_line_month_refresh_accounts, order_line_month_refresh_all
from crm.sales.services.purchases import account_purchases_refresh


def on_exchange_rates_changed(event: Any) -> None:
    """The orders converted at a rate that changed get their company total again (crm.catalog.events)."""
    from crm.sales.services.order_company_totals import order_company_totals_refresh

    order_company_totals_refresh(code=event.code, since=event.since, until=event.until)


def on_account_deleted(event: AccountDeleted) -> None:
    actor = user_get(pk=event.actor_id) if event.actor_id else None
    opportunities_soft_delete_for_account(account_id=event.account_id, batch=event.batch, actor=actor)


# --- contracts and subscriptions ---
def on_account_deleted_contracts(event: AccountDeleted) -> None:
    from crm.sales.services.contracts import contracts_soft_delete_for_account

    actor = user_get(pk=event.actor_id) if event.actor_id else None
    contracts_soft_delete_for_account(account_id=event.account_id, batch=event.batch, actor=actor)


# --- the deals' lifecycle: every event of the cycle refreshes its deal's milestones (idempotent) ---------------
def on_deal_milestone(event: Any) -> None:
    """OpportunityOpened/StageChanged/Won/Lost, QuoteSent/Accepted, OrderPlaced: the event names the deal."""
    if getattr(event, "opportunity_id", None):
        lifecycle_refresh(opportunity_ids=[event.opportunity_id])


def on_delivery_milestone(event: Any) -> None:
    """DeliveryShipped/Delivered name the order; its deal (if any) is refreshed."""
    lifecycle_refresh_for_order(order_id=event.order_id)


def on_team_deleted(event: TeamDeleted) -> None:
    """A deleted team left its deals' lifecycle rows without a team: fold its summary cells."""
    lifecycle_summary_team_deleted(team_id=event.team_id)


def on_records_restored(event: RecordsRestored) -> None:
    """Opportunities (orders) back from the recycle bin count in the forecast's (purchase) summary again."""
    if event.object_type == "sales.opportunity":
        forecast_summary_refresh(opportunity_ids=event.object_ids)
    elif event.object_type == "sales.order":
        account_purchases_refresh(order_ids=event.object_ids)


def on_account_territory_changed(event: AccountTerritoryChanged) -> None:
    """The order-line summary's cells of the accounts' orders move to their new territory (a whole re-match
    run: the summary is rebuilt set-based)."""
    if event.everything:
        order_line_month_refresh_all()
    else:
        order_line_month_refresh_accounts(account_ids=event.account_ids)
