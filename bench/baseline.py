"""The baseline the API is compared with: a plain Django view returning the same rows with `.values()`."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from crm.contacts.models import Contact
from crm.core.identity.permissions import user_team_member_ids

FIELDS = ("id", "first_name", "last_name", "full_name", "email", "phone", "job_title", "owner_id",
          "primary_account_id", "email_consent", "created_at", "updated_at")


def contacts_values(request: HttpRequest) -> JsonResponse:
    owners = user_team_member_ids(request.user)
    rows = list(
        Contact.objects.filter(owner_id__in=owners, deleted_at__isnull=True)
        .order_by("full_name", "id")
        .values(*FIELDS)[:50]
    )
    return JsonResponse({"items": rows})
