from crm.contacts.services.accounts import (
    account_assign_owner,
    account_bulk_assign_owner,
    account_bulk_delete,
    account_bulk_tag,
    account_create,
    account_delete,
    account_update,
)
from crm.contacts.services.addresses import address_add, address_remove, address_update
from crm.contacts.services.contacts import (
    contact_assign_owner,
    contact_bulk_assign_owner,
    contact_bulk_delete,
    contact_bulk_tag,
    contact_create,
    contact_delete,
    contact_link_account,
    contact_unlink_account,
    contact_update,
)
from crm.contacts.services.tags import tags_resolve

__all__ = [
    "account_assign_owner",
    "account_bulk_assign_owner",
    "account_bulk_delete",
    "account_bulk_tag",
    "account_create",
    "account_delete",
    "account_update",
    "address_add",
    "address_remove",
    "address_update",
    "contact_assign_owner",
    "contact_bulk_assign_owner",
    "contact_bulk_delete",
    "contact_bulk_tag",
    "contact_create",
    "contact_delete",
    "contact_link_account",
    "contact_unlink_account",
    "contact_update",
    "tags_resolve",
]
