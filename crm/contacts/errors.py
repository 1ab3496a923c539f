from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError


class ContactsError(DomainError):
    code = "contacts_error"


class AccountCycle(ContactsError):
    code = "account_cycle"
    default_message = _("An account cannot be its own parent or the parent of its parents.")
