"""Domain event handlers (subscribed in `ActivitiesConfig.ready()`); each calls one service."""

from __future__ import annotations

from crm.activities.services import activities_soft_delete_for_record
from crm.contacts.events import AccountDeleted, ContactDeleted
from crm.core.identity.selectors import user_get


def on_account_deleted(event: AccountDeleted) -> None:
    actor = user_get(pk=event.actor_id) if event.actor_id else None
    activities_soft_delete_for_record(
        object_type="contacts.account", object_id=event.account_id, batch=event.batch, actor=actor
    )


def on_contact_deleted(event: ContactDeleted) -> None:
    actor = user_get(pk=event.actor_id) if event.actor_id else None
    activities_soft_delete_for_record(
        object_type="contacts.contact", object_id=event.contact_id, batch=event.batch, actor=actor
    )
