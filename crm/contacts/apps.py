from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "crm.contacts"
    label = "contacts"
    verbose_name = _("Accounts and contacts")

    def ready(self) -> None:
        from crm.contacts.models import Account, Address, Contact, ContactAccount
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register

        audit_register(Account, highlight=("owner", "status", "account_type"))
        audit_register(Contact, exclude=("full_name",), highlight=("owner", "email_consent"))
        audit_register(ContactAccount)
        audit_register(Address)
        object_type_register(key="contacts.account", label=_("Accounts"))
        object_type_register(key="contacts.contact", label=_("Contacts"))
