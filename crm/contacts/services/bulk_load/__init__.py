"""Set-based loading of many accounts or contacts (imports). See upsert.py for the conventions."""

from crm.contacts.services.bulk_load.cleaning import account_load_clean, contact_load_clean
from crm.contacts.services.bulk_load.fields import ACCOUNT_LOAD_FIELDS, CONTACT_LOAD_FIELDS
from crm.contacts.services.bulk_load.upsert import (
    account_bulk_unload,
    account_bulk_upsert,
    contact_bulk_unload,
    contact_bulk_upsert,
)

__all__ = [
    "ACCOUNT_LOAD_FIELDS",
    "CONTACT_LOAD_FIELDS",
    "account_bulk_unload",
    "account_bulk_upsert",
    "account_load_clean",
    "contact_bulk_unload",
    "contact_bulk_upsert",
    "contact_load_clean",
]
