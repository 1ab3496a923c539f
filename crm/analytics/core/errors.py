from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError


class AnalyticsError(DomainError):
    """Data an analysis cannot work with (no transactions, one customer, a model that does not converge…): the
    message says what and is shown to the user as it is."""

    code = "analytics_error"
    status = 422
    default_message = _("The analysis cannot be computed from this data.")
