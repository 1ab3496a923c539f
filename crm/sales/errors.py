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


# --- invoices, payments and credit notes ---------------------------------------------------------------------
class InvoiceNotDraft(SalesError):
    code = "invoice_not_draft"
    status = 409
    default_message = _("Only a draft invoice can be changed or deleted; this one has been issued.")


class InvoiceStateInvalid(InvalidInput):
    """The invoice's status does not allow the action (field_errors names `status`)."""

    code = "invoice_state"
    default_message = _("The invoice’s status does not allow this.")
