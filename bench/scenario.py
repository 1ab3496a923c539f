"""What the foundation bench builds and measures (see bench/run.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate import activity_rows, bulk_load, contact_rows
from crm.activities.models import Activity
from crm.contacts.models import Account, Contact
from crm.contacts.selectors import contact_list
from crm.core.identity.models import Role, Team, User
from crm.core.identity.services import token_create

TEAMS = 5
REPS_PER_TEAM = 10
HOT_ENTRIES = 1000
LIST_QUERY = "email_consent=granted&sort=name"


def _rebuild_indexes(model: Any, say: Callable[[str], None], drop: bool) -> None:
    with connection.schema_editor() as editor:
        for index in model._meta.indexes:
            if drop:
                editor.remove_index(model, index)
            else:
                editor.add_index(model, index)
    if not drop:
        say(f"    indexes rebuilt on {model._meta.db_table}")


def build(*, contacts: int, activities: int, accounts: int, say: Callable[[str], None]) -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    say(f"[{connection.vendor}] building {contacts:,} contacts, {activities:,} activities, {accounts:,} accounts")
    rep_role = Role.objects.get(key="sales_rep")
    owners: list[int] = []
    for t in range(TEAMS):
        team = Team.objects.create(name=f"Team {t}")
        manager = User.objects.create_user(f"manager{t}@bench.crm", "bench-pass-1", full_name=f"Manager {t}",
                                           role=Role.objects.get(key="sales_manager"), team=team)
        for r in range(REPS_PER_TEAM):
            rep = User.objects.create_user(f"rep{t}-{r}@bench.crm", "bench-pass-1", full_name=f"Rep {t}-{r}",
                                           role=rep_role, team=team, manager=manager)
            owners.append(rep.pk)
    User.objects.create_superuser("admin@bench.crm", "bench-pass-1", full_name="Bench Admin",
                                  role=Role.objects.get(key="administrator"))
    timings: dict[str, Any] = {}
    started = time.perf_counter()
    timings["accounts_s"] = round(bulk_load(
        Account,
        ({"name": f"Account {i:06d}", "owner_id": owners[i % len(owners)], "account_type": "customer",
          "status": "active"} for i in range(accounts)),
        total=accounts, say=say), 1)
    account_ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    for model in (Contact, Activity):
        _rebuild_indexes(model, say, drop=True)
    timings["contacts_s"] = round(bulk_load(
        Contact, contact_rows(contacts, owners=owners, accounts=account_ids), total=contacts, say=say), 1)
    say(f"    contacts loaded in {timings['contacts_s']}s")
    lo = Contact.all_objects.order_by("pk").values_list("pk", flat=True).first()
    hi = Contact.all_objects.order_by("-pk").values_list("pk", flat=True).first()
    assert lo is not None and hi is not None
    first_account = account_ids[0]
    n_accounts = len(account_ids)

    def contact_account(contact_id: int) -> int:  # mirrors contact_rows: i % len(accounts)
        return first_account + ((contact_id - lo) % n_accounts)

    hot = account_ids[len(account_ids) // 2]
    timings["activities_s"] = round(bulk_load(
        Activity,
        activity_rows(activities, owners=owners, contacts=(lo, hi), contact_account=contact_account,
                      hot_account=hot, hot_entries=HOT_ENTRIES),
        total=activities, say=say), 1)
    say(f"    activities loaded in {timings['activities_s']}s")
    started_idx = time.perf_counter()
    for model in (Contact, Activity):
        _rebuild_indexes(model, say, drop=False)
    timings["indexes_s"] = round(time.perf_counter() - started_idx, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["total_s"] = round(time.perf_counter() - started, 1)
    say(f"    built in {timings['total_s']}s")
    return timings


def _queries(client: Client, url: str, **headers: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def measure(*, runs: int, say: Callable[[str], None], timed: Callable[..., dict[str, float]],
            rps: Callable[..., float]) -> dict[str, Any]:
    rep = User.objects.get(email="rep0-0@bench.crm")
    admin = User.objects.get(email="admin@bench.crm")
    hot = Activity.objects.filter(subject="note 0").values_list("account_id", flat=True).first()
    figures: dict[str, Any] = {"vendor": connection.vendor}
    client = Client()
    client.force_login(rep)
    admin_client = Client()
    admin_client.force_login(admin)

    list_url = reverse("contacts:contact_list") + "?" + LIST_QUERY
    # the 50th page: follow 49 cursors through the selector, then ask the page for the 50th
    cursor = None
    params = {"email_consent": "granted"}
    for _ in range(49):
        page = contact_list(user=rep, params=params, sort="name", cursor=cursor, limit=50)
        cursor = page.next_cursor
    assert cursor, "not enough rows for 50 pages"
    say("measuring the contact list …")
    figures["contact_list_first_page_rep"] = timed(client, list_url, runs)
    figures["contact_list_page_50_rep"] = timed(client, f"{list_url}&cursor={cursor}", runs)
    figures["contact_list_first_page_admin"] = timed(admin_client, list_url, runs)
    cursor_admin = None
    for _ in range(49):
        cursor_admin = contact_list(user=admin, params=params, sort="name", cursor=cursor_admin, limit=50).next_cursor
    figures["contact_list_page_50_admin"] = timed(admin_client, f"{list_url}&cursor={cursor_admin}", runs)

    say("measuring the record page with a 1,000-entry timeline …")
    detail = reverse("contacts:account_detail", args=[hot])
    timeline = reverse("activities:timeline", args=["contacts.account", hot])
    figures["account_page_admin"] = timed(admin_client, detail, runs)
    figures["account_timeline_first_page_admin"] = timed(admin_client, timeline, runs)
    figures["record_page_total_p95_ms"] = round(
        figures["account_page_admin"]["p95_ms"] + figures["account_timeline_first_page_admin"]["p95_ms"], 2
    )

    say("measuring API vs plain Django …")
    _token, secret = token_create(actor=None, user=rep, name="bench", scopes=["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    api_url = "/api/v1/contacts?limit=50&sort=name"
    api_client = Client()
    figures["api_contacts_rps"] = rps(api_client, api_url, 10.0, **auth)
    figures["baseline_values_rps"] = rps(client, "/bench/baseline/contacts", 10.0)
    figures["api_vs_baseline_ratio"] = round(figures["api_contacts_rps"] / figures["baseline_values_rps"], 2)

    say("counting queries per page size …")
    figures["queries_api_limit_5"] = _queries(api_client, "/api/v1/contacts?limit=5", **auth)
    figures["queries_api_limit_100"] = _queries(api_client, "/api/v1/contacts?limit=100", **auth)
    figures["queries_list_limit_10"] = _queries(client, list_url + "&limit=10")
    figures["queries_list_limit_100"] = _queries(client, list_url + "&limit=100")
    figures["queries_timeline_limit_10"] = _queries(admin_client, timeline + "?limit=10")
    figures["queries_timeline_limit_50"] = _queries(admin_client, timeline + "?limit=50")
    return figures
