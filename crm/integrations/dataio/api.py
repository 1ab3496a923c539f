"""API: a contact as a vCard (GET /api/v1/contacts/{id}/vcard?version=3.0|4.0)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from crm.contacts.selectors import contact_card_get
from crm.core.errors import InvalidInput
from crm.integrations.dataio.vcards import vcard_render

router = Router(tags=["contacts"])
VCARD_OPENAPI = {
    "responses": {
        200: {
            "description": "The contact as a vCard",
            "content": {"text/vcard": {"schema": {"type": "string"}}},
        }
    }
}


@router.get("/contacts/{int:contact_id}/vcard", openapi_extra=VCARD_OPENAPI)
def contact_vcard(request: HttpRequest, contact_id: int, version: str = "3.0") -> Any:
    """The contact as a vCard 3.0 (default) or 4.0 file."""
    if version not in {"3.0", "4.0"}:
        raise InvalidInput(field_errors={"version": [_("Choose vCard version 3.0 or 4.0.")]})
    data = contact_card_get(user=request.auth, pk=contact_id)  # type: ignore[attr-defined]
    response = HttpResponse(vcard_render([data], version=version), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contact-{contact_id}.vcf"'
    return response
