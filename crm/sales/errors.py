from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError, InvalidInput


class SalesError(DomainError):
    code = "sales_error"


class StageRequirementsMissing(InvalidInput):
    """The stage asks for fields the opportunity does not have yet (field_errors names each)."""

    code = "stage_requirements"
    default_message = _("Fill in the fields this stage requires first.")


class StageNotInPipeline(InvalidInput):
    code = "stage_not_in_pipeline"
    default_message = _("Choose a stage of this opportunity’s pipeline.")


class OpportunityNotOpen(SalesError):
    code = "not_open"
    status = 409
    default_message = _("This opportunity is already closed. Reopen it by moving it to an open stage.")


# --- orders, deliveries and the installed base ---
class QuoteNotAccepted(SalesError):
    code = "quote_not_accepted"
    status = 409
    default_message = _("Only an accepted quote becomes an order.")


class QuoteAlreadyOrdered(SalesError):
    code = "quote_already_ordered"
    status = 409
    default_message = _("This quote already has an order.")


class OrderNotOpen(SalesError):
    code = "order_not_open"
    status = 409
    default_message = _("This order is delivered or cancelled: nothing more can be delivered.")


class OrderNotCancellable(SalesError):
    code = "order_not_cancellable"
    status = 409
    default_message = _("An order with shipped or delivered goods cannot be cancelled.")


class DeliveryStateInvalid(SalesError):
    code = "delivery_state"
    status = 409
    default_message = _("This delivery cannot change that way in its current status.")


class AssetNotActive(SalesError):
    code = "asset_not_active"
    status = 409
    default_message = _("This asset was already returned.")
