from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError


class LeadError(DomainError):
    pass


class LeadNotOpen(LeadError):
    """The lead is converted or disqualified: it cannot move on (409)."""

    code = "lead_not_open"
    status = 409
    default_message = _("This lead is already converted or disqualified.")


class LeadAlreadyConverted(LeadNotOpen):
    code = "lead_already_converted"
    default_message = _("This lead is already converted.")


class WebFormRateLimited(LeadError):
    code = "throttled"
    status = 429
    default_message = _("Too many submissions from your network. Try again later.")
