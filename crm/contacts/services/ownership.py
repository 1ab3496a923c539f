"""Owner rules shared by accounts and contacts: who may own a record, and the event when the owner changes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from crm.contacts.events import OwnerChanged
from crm.core.errors import InvalidInput
from crm.core.events import publish_on_commit
from crm.core.identity.models import User


def owner_check(owner: Any) -> None:
    if not isinstance(owner, User) or not owner.is_active:
        raise InvalidInput(field_errors={"owner": [_("Choose an active user.")]})


def owner_change_publish(*, record: Any, old_owner_id: int | None, actor: Any, reason: str) -> None:
    """After commit, tell subscribers that `record` has a new owner (nothing when the owner stayed)."""
    if record.owner_id == old_owner_id:
        return
    publish_on_commit(
        OwnerChanged(
            object_type=record._meta.label_lower,
            object_id=record.pk,
            old_owner_id=old_owner_id,
            new_owner_id=record.owner_id,
            actor_id=getattr(actor, "pk", None),
            reason=reason,
        )
    )
