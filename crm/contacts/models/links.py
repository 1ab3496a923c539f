from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import ACCOUNT_LINK_INVERSE, CONTACT_LINK_INVERSE, AccountLinkType, ContactLinkType


class AccountLink(models.Model):
    """A typed link between two accounts: `from_account` is "<type> of" `to_account` (e.g. distributor of)."""

    from_account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_account = models.ForeignKey(
        "contacts.Account",
        verbose_name=_("linked account"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    link_type = models.CharField(_("link"), max_length=20, choices=AccountLinkType.choices)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_account", "to_account", "link_type"], name="accountlink_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_account=models.F("to_account")), name="accountlink_not_self"
            ),
        ]
        indexes = [models.Index(fields=["to_account", "link_type"], name="accountlink_to_idx")]
        verbose_name = _("account link")
        verbose_name_plural = _("account links")

    def __str__(self) -> str:
        return f"{self.from_account} → {self.get_link_type_display()} → {self.to_account}"

    @property
    def inverse_label(self) -> str:
        return str(ACCOUNT_LINK_INVERSE[AccountLinkType(self.link_type)])


class ContactLink(models.Model):
    """A typed link between two people: `from_contact` "reports to" / "is assistant of" `to_contact`."""

    from_contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("linked contact"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    link_type = models.CharField(_("link"), max_length=20, choices=ContactLinkType.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_contact", "to_contact", "link_type"], name="contactlink_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_contact=models.F("to_contact")), name="contactlink_not_self"
            ),
        ]
        indexes = [models.Index(fields=["to_contact", "link_type"], name="contactlink_to_idx")]
        verbose_name = _("contact link")
        verbose_name_plural = _("contact links")

    def __str__(self) -> str:
        return f"{self.from_contact} → {self.get_link_type_display()} → {self.to_contact}"

    @property
    def inverse_label(self) -> str:
        return str(CONTACT_LINK_INVERSE[ContactLinkType(self.link_type)])
