from crm.contacts.models.accounts import Account
from crm.contacts.models.addresses import Address
from crm.contacts.models.contacts import Contact, ContactAccount
from crm.contacts.models.duplicates import DuplicateCandidate, Merge
from crm.contacts.models.links import AccountLink, ContactLink
from crm.contacts.models.tags import Tag
from crm.contacts.models.territories import TerritoryRematch

__all__ = [
    "Account",
    "AccountLink",
    "Address",
    "Contact",
    "ContactAccount",
    "ContactLink",
    "DuplicateCandidate",
    "Merge",
    "Tag",
    "TerritoryRematch",
]
