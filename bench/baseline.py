"""The baseline the API is compared with: a plain Django view returning the same rows with `.values()`.

Same user, same permission scoping (`visible_to`), same sort and page size, the same fields as the API's
`ContactOut` (account name joined; owners and tags in one query each, as the product's selector does) — but no
model instances, no schema, no list engine: the cheapest honest way Django can answer the same request.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from crm.contacts.models import Contact
from crm.core.identity.models import User

FIELDS = (
    "id",
    "first_name",
    "last_name",
    "full_name",
    "job_title",
    "department",
    "email",
    "other_emails",
    "phone",
    "mobile",
    "other_phones",
    "language",
    "birthday",
    "description",
    "primary_account_id",
    "primary_account__name",
    "owner_id",
    "email_consent",
    "consent_changed_at",
    "consent_source",
    "do_not_call",
    "custom",
    "version",
    "created_at",
    "updated_at",
)


def contacts_values(request: HttpRequest) -> JsonResponse:
    limit = int(request.GET.get("limit") or 50)
    rows = list(Contact.objects.visible_to(request.user).order_by("full_name", "id").values(*FIELDS)[:limit])
    owners = {
        u["id"]: u
        for u in User.objects.filter(pk__in={r["owner_id"] for r in rows}).values("id", "full_name", "email")
    }
    tags: dict[int, list[str]] = {}
    through = Contact.tags.through
    for contact_id, name in through.objects.filter(contact_id__in=[r["id"] for r in rows]).values_list(
        "contact_id", "tag__name"
    ):
        tags.setdefault(contact_id, []).append(name)
    for row in rows:
        row["owner"] = owners.get(row.pop("owner_id"))
        account_id, account_name = row.pop("primary_account_id"), row.pop("primary_account__name")
        row["primary_account"] = {"id": account_id, "name": account_name} if account_id else None
        row["tags"] = sorted(tags.get(row["id"], []))
    return JsonResponse({"items": rows, "next_cursor": None, "limit": limit})
