"""Domain event handlers (subscribed in `SalesConfig.ready()`); each calls one service."""

from __future__ import annotations

from crm.contacts.events import AccountDeleted
from crm.core.identity.selectors import user_get
from crm.sales.services import opportunities_soft_delete_for_account


def on_account_deleted(event: AccountDeleted) -> None:
    actor = user_get(pk=event.actor_id) if event.actor_id else None
    opportunities_soft_delete_for_account(account_id=event.account_id, batch=event.batch, actor=actor)


# --- contracts and subscriptions ---
def on_account_deleted_contracts(event: AccountDeleted) -> None:
    from crm.sales.services.contracts import contracts_soft_delete_for_account

    actor = user_get(pk=event.actor_id) if event.actor_id else None
    contracts_soft_delete_for_account(account_id=event.account_id, batch=event.batch, actor=actor)
