from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError


class ContactsError(DomainError):
    code = "contacts_error"


class AccountCycle(ContactsError):
    code = "account_cycle"
    default_message = _("An account cannot be its own parent or the parent of its parents.")


class LikelyDuplicate(ContactsError):
    """A create or edit looks like a record that already exists; `candidates` are (record, Match) pairs.

    The API answers 409 listing them (send `?allow_duplicate=true` to save anyway); the forms show them and ask
    the user to confirm."""

    code = "likely_duplicate"
    status = 409
    default_message = _("This looks like a record that already exists. Check the likely duplicates.")

    def __init__(self, message: object = None, *, candidates: list[Any] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []

    @property
    def extensions(self) -> dict[str, Any]:
        """Extra members of the API's problem+json body."""
        from crm.contacts.matching import reason_labels

        return {
            "candidates": [
                {
                    "id": record.pk,
                    "name": str(record),
                    "score": match.score,
                    "reasons": list(match.reasons),
                    "reason_labels": reason_labels(match.reasons),
                    "url": record.get_absolute_url(),
                }
                for record, match in self.candidates
            ]
        }
