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


# --- quotes ---------------------------------------------------------------------------------------------------
class QuoteNotEditable(SalesError):
    code = "quote_not_editable"
    status = 409
    default_message = _("Only a draft quote can be changed. Revise it to make a new version.")


class QuoteApprovalRequired(SalesError):
    code = "quote_approval_required"
    status = 409
    default_message = _(
        "A line’s discount is above the limit: submit the quote for a manager’s approval before sending it."
    )


class QuoteApprovalNotNeeded(SalesError):
    code = "quote_approval_not_needed"
    status = 409
    default_message = _("No discount is above the limit: the quote can be sent as it is.")


class QuoteNotPendingApproval(SalesError):
    code = "quote_not_pending_approval"
    status = 409
    default_message = _("This quote is not waiting for approval.")


class QuoteApproverRequired(SalesError):
    code = "quote_approver_required"
    status = 403
    default_message = _("Only a sales manager or an administrator may approve or reject discounts.")


class QuoteCannotBeSent(SalesError):
    code = "quote_cannot_be_sent"
    status = 409
    default_message = _("Only a draft or approved quote with at least one line can be sent.")


class QuoteCannotBeRevised(SalesError):
    code = "quote_cannot_be_revised"
    status = 409
    default_message = _("Only a sent, declined or expired quote can be revised.")


class QuoteExpired(SalesError):
    code = "quote_expired"
    status = 409
    default_message = _("This quote has expired. Ask us for a new one.")


class QuoteSuperseded(SalesError):
    code = "quote_superseded"
    status = 409
    default_message = _("This quote has been replaced by a newer version.")


class QuoteAlreadyDecided(SalesError):
    code = "quote_already_decided"
    status = 409
    default_message = _("This quote has already been answered.")


class QuoteNotOpenForAnswer(SalesError):
    code = "quote_not_open"
    status = 409
    default_message = _("This quote is not waiting for an answer.")


class QuoteLinkInvalid(SalesError):
    code = "quote_link_invalid"
    status = 404
    default_message = _("This link is not valid. Check that you copied it whole, or ask us for a new one.")


# --- pipeline administration (oppux) ---
class StageInUse(SalesError):
    """A stage that opportunities are in (or their history names) cannot be removed."""

    code = "stage_in_use"
    status = 409
    default_message = _("Opportunities are in this stage. Move them to another stage first.")


# --- contracts ------------------------------------------------------------------------------------------------
class ContractStateInvalid(SalesError):
    """The contract is not in a state that allows this (e.g. activating a cancelled contract)."""

    code = "contract_state"
    status = 409
    default_message = _("This contract cannot do that in its current status.")


# --- invoices, payments and credit notes ---------------------------------------------------------------------
class InvoiceNotDraft(SalesError):
    code = "invoice_not_draft"
    status = 409
    default_message = _("Only a draft invoice can be changed or deleted; this one has been issued.")


class InvoiceStateInvalid(InvalidInput):
    """The invoice's status does not allow the action (field_errors names `status`)."""

    code = "invoice_state"
    default_message = _("The invoice’s status does not allow this.")
