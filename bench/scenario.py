"""What the foundation bench builds and measures (see bench/run.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from html import unescape
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.generate import activity_rows, bulk_load, contact_rows
from bench.search import prepare as search_prepare
from crm.activities.models import Activity
from crm.activities.timeline import timeline_page
from crm.contacts.models import Account, Contact, ContactAccount, Tag
from crm.contacts.selectors import contact_list
from crm.core.identity.models import Role, Team, User
from crm.core.identity.services import token_create

TEAMS = 5
REPS_PER_TEAM = 10
HOT_ENTRIES = 1000
LIST_QUERY = "email_consent=granted&sort=name"


class _LoadMode:
    """What a bulk import does around a big load: drop the tables' secondary indexes (and on PostgreSQL their
    foreign keys), load, then rebuild each in one pass. Definitions are read back from the catalog
    (pg_indexes / pg_constraint, sqlite_master), so they come back exactly as the migrations made them."""

    def __init__(self, models: list[Any], say: Callable[[str], None]) -> None:
        self.tables = [m._meta.db_table for m in models]
        self.say = say
        self.indexes: list[str] = []
        self.foreign_keys: list[str] = []
        self.triggers: list[str] = []

    def __enter__(self) -> _LoadMode:
        with connection.cursor() as cursor:
            for table in self.tables:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'f'",
                        [table],
                    )
                    for name, definition in cursor.fetchall():
                        self.foreign_keys.append(
                            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                        )
                        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                    # the typo index's triggers too (one refill after the load, see bench.search.prepare)
                    cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                        [table, table],
                    )
                else:
                    # triggers too (the search index's): the load is followed by one refill of the index
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                        [table],
                    )
                    for name, definition in cursor.fetchall():
                        self.triggers.append(definition)
                        cursor.execute(f'DROP TRIGGER "{name}"')
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL",
                        [table],
                    )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys = OFF")  # checked once after the load (foreign_key_check)
        self.say(
            f"    dropped {len(self.indexes)} indexes and {len(self.foreign_keys)} foreign keys for the load"
        )
        return self

    def rebuild(self) -> dict[str, float]:
        timings: dict[str, float] = {}
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for sql in self.indexes:
                cursor.execute(sql)
            for sql in self.triggers:
                cursor.execute(sql)
            timings["indexes_s"] = round(time.perf_counter() - started, 1)
            self.say(f"    {len(self.indexes)} indexes rebuilt in {timings['indexes_s']}s")
            started = time.perf_counter()
            if connection.vendor == "postgresql":
                for sql in self.foreign_keys:
                    cursor.execute(sql)
                for table in self.tables:
                    cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            else:
                cursor.execute("PRAGMA foreign_keys = ON")
                for table in self.tables:
                    cursor.execute(f'PRAGMA foreign_key_check("{table}")')
                    broken = cursor.fetchall()
                    assert not broken, (table, broken[:5])
            timings["foreign_keys_s"] = round(time.perf_counter() - started, 1)
            self.say(f"    foreign keys restored and checked in {timings['foreign_keys_s']}s")
        return timings

    def __exit__(self, *exc: object) -> None:
        return None


TAG_NAMES = [
    "vip",
    "newsletter",
    "event-2024",
    "renewal",
    "churn-risk",
    "referral",
    "partner",
    "press",
    "trade-show",
    "webinar",
    "beta",
    "key-account",
]


def relations(*, say: Callable[[str], None]) -> dict[str, Any]:
    """Set-based, after the load: every contact a member of its primary account, and tags on a share of them
    (one of six on every third contact, one of six others on every seventh) — so list pages prefetch real tags
    and account pages list real members."""
    started = time.perf_counter()
    Tag.objects.bulk_create([Tag(name=name) for name in TAG_NAMES])
    tag_ids = sorted(Tag.objects.filter(name__in=TAG_NAMES).values_list("pk", flat=True))
    assert tag_ids == list(range(tag_ids[0], tag_ids[0] + len(TAG_NAMES))), "tags need consecutive ids"
    first = tag_ids[0]
    members, tags = ContactAccount._meta.db_table, Contact.tags.through._meta.db_table
    contact = Contact._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{members}" (contact_id, account_id, role, job_title, is_primary, created_at) '
            f'SELECT id, primary_account_id, %s, %s, %s, %s FROM "{contact}" WHERE primary_account_id IS NOT NULL',
            ["", "", True, now],
        )
        cursor.execute(
            f'INSERT INTO "{tags}" (contact_id, tag_id) SELECT id, %s + (id %% 6) FROM "{contact}" '
            "WHERE id %% 3 = 0",
            [first],
        )
        cursor.execute(
            f'INSERT INTO "{tags}" (contact_id, tag_id) SELECT id, %s + 6 + (id %% 6) FROM "{contact}" '
            "WHERE id %% 7 = 0",
            [first],
        )
        cursor.execute("ANALYZE")
    took = round(time.perf_counter() - started, 1)
    say(f"    memberships and tags added in {took}s")
    return {
        "relations_s": took,
        "memberships": ContactAccount.objects.count(),
        "contact_tags": Contact.tags.through.objects.count(),
    }


def build(*, contacts: int, activities: int, accounts: int, say: Callable[[str], None]) -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    say(
        f"[{connection.vendor}] building {contacts:,} contacts, {activities:,} activities, {accounts:,} accounts"
    )
    rep_role = Role.objects.get(key="sales_rep")
    owners: list[int] = []
    for t in range(TEAMS):
        team = Team.objects.create(name=f"Team {t}")
        manager = User.objects.create_user(
            f"manager{t}@bench.crm",
            "bench-pass-1",
            full_name=f"Manager {t}",
            role=Role.objects.get(key="sales_manager"),
            team=team,
        )
        for r in range(REPS_PER_TEAM):
            rep = User.objects.create_user(
                f"rep{t}-{r}@bench.crm",
                "bench-pass-1",
                full_name=f"Rep {t}-{r}",
                role=rep_role,
                team=team,
                manager=manager,
            )
            owners.append(rep.pk)
    User.objects.create_superuser(
        "admin@bench.crm", "bench-pass-1", full_name="Bench Admin", role=Role.objects.get(key="administrator")
    )
    timings: dict[str, Any] = {"vendor": connection.vendor}
    started = time.perf_counter()
    timings["accounts_s"] = round(
        bulk_load(
            Account,
            (
                {
                    "name": f"Account {i:06d}",
                    "owner_id": owners[i % len(owners)],
                    "account_type": "customer",
                    "status": "active",
                }
                for i in range(accounts)
            ),
            total=accounts,
            say=say,
        ),
        1,
    )
    account_ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    with _LoadMode([Contact, Activity], say) as load:
        timings["contacts_s"] = round(
            bulk_load(
                Contact, contact_rows(contacts, owners=owners, accounts=account_ids), total=contacts, say=say
            ),
            1,
        )
        timings["contacts_rows_per_s"] = round(contacts / max(timings["contacts_s"], 0.1))
        say(f"    contacts loaded in {timings['contacts_s']}s ({timings['contacts_rows_per_s']:,} rows/s)")
        lo = Contact.all_objects.order_by("pk").values_list("pk", flat=True).first()
        hi = Contact.all_objects.order_by("-pk").values_list("pk", flat=True).first()
        assert lo is not None and hi is not None
        first_account = account_ids[0]
        n_accounts = len(account_ids)

        def contact_account(contact_id: int) -> int:  # mirrors contact_rows: i % len(accounts)
            return first_account + ((contact_id - lo) % n_accounts)

        hot = account_ids[len(account_ids) // 2]
        timings["activities_s"] = round(
            bulk_load(
                Activity,
                activity_rows(
                    activities,
                    owners=owners,
                    contacts=(lo, hi),
                    contact_account=contact_account,
                    hot_account=hot,
                    hot_entries=HOT_ENTRIES,
                ),
                total=activities,
                say=say,
            ),
            1,
        )
        timings["activities_rows_per_s"] = round(activities / max(timings["activities_s"], 0.1))
        say(
            f"    activities loaded in {timings['activities_s']}s ({timings['activities_rows_per_s']:,} rows/s)"
        )
        timings.update(load.rebuild())
    timings.update(relations(say=say))
    started_search = time.perf_counter()
    search_prepare(say=say)
    timings["search_index_s"] = round(time.perf_counter() - started_search, 1)
    started_analyze = time.perf_counter()
    with connection.cursor() as cursor:
        # what autovacuum does to a freshly loaded table in production (statistics, visibility map)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    timings["analyze_s"] = round(time.perf_counter() - started_analyze, 1)
    timings["total_s"] = round(time.perf_counter() - started, 1)
    timings["rows_per_s_overall"] = round((contacts + activities + accounts) / max(timings["total_s"], 0.1))
    say(f"    built in {timings['total_s']}s ({timings['rows_per_s_overall']:,} rows/s including indexes)")
    return timings


def _queries(client: Client, url: str, **headers: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _slowest(client: Client, url: str, top: int = 3, **headers: Any) -> list[dict[str, Any]]:
    """The slowest SQL statements of one request (for BENCHMARKS.md's "where the time goes")."""
    from django.db import reset_queries
    from django.test.utils import override_settings

    with override_settings(DEBUG=True):
        reset_queries()
        client.get(url, **headers)
        queries = list(connection.queries)
    ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]
    return [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:300]} for q in ranked]


def _panels_loaded_with(client: Client, url: str) -> list[str]:
    """The URLs a page's htmx elements fetch as soon as it is shown (`hx-trigger` containing "load")."""
    html = client.get(url).content.decode()
    urls = []
    for tag in re.findall(r"<[^>]+hx-get=[^>]+>", html):
        trigger = re.search(r'hx-trigger="([^"]*)"', tag)
        if trigger and re.search(r"\bload\b", trigger.group(1)):
            urls.append(unescape(re.search(r'hx-get="([^"]+)"', tag).group(1)))  # type: ignore[union-attr]
    return list(dict.fromkeys(urls))


def _cursor_for_page(user: Any, page_number: int, params: dict[str, str], sort: str) -> tuple[str, int]:
    """The cursor of page `page_number` (or of the last page when there are fewer: small test data sets)."""
    cursor: str | None = None
    reached = 1
    for _ in range(page_number - 1):
        following = contact_list(user=user, params=params, sort=sort, cursor=cursor, limit=50).next_cursor
        if following is None:
            break
        cursor, reached = following, reached + 1
    assert cursor is not None, "not enough rows for two pages"
    return cursor, reached


def measure(
    *,
    runs: int,
    say: Callable[[str], None],
    timed: Callable[..., dict[str, float]],
    rps: Callable[..., list[dict[str, float]]],
) -> dict[str, Any]:
    rep = User.objects.get(email="rep0-0@bench.crm")
    admin = User.objects.get(email="admin@bench.crm")
    hot = Activity.objects.filter(subject="note 0").values_list("account_id", flat=True).first()
    assert hot is not None
    figures: dict[str, Any] = {"vendor": connection.vendor}
    sizes = {
        "contacts": Contact.objects.count(),
        "activities": Activity.objects.count(),
        "accounts": Account.objects.count(),
        "hot_account_timeline_entries": Activity.objects.filter(account_id=hot).count(),
    }
    figures["sizes"] = sizes
    say(f"  data: {sizes}")
    clients = {}
    for who, user in (("rep", rep), ("admin", admin)):
        clients[who] = Client()
        clients[who].force_login(user)

    # --- contact list: filtered + sorted, first page and 50th page ------------------------------------------
    say("measuring the contact list …")
    list_url = reverse("contacts:contact_list") + "?" + LIST_QUERY
    params = dict(p.split("=") for p in LIST_QUERY.split("&") if not p.startswith("sort="))
    for who, user in (("rep", rep), ("admin", admin)):
        cursor, reached = _cursor_for_page(user, 50, params, "name")
        if reached != 50:
            say(f"  (only {reached} pages for {who}: measuring page {reached} as the deep page)")
        figures[f"contact_list_first_page_{who}"] = timed(clients[who], list_url, runs)
        figures[f"contact_list_page_50_{who}"] = timed(clients[who], f"{list_url}&cursor={cursor}", runs)
        figures[f"contact_list_slowest_sql_{who}"] = _slowest(clients[who], f"{list_url}&cursor={cursor}")
        say(
            f"  {who}: first {figures[f'contact_list_first_page_{who}']}, 50th {figures[f'contact_list_page_50_{who}']}"
        )

    # --- record page: the account page plus its timeline partial (the browser loads both) --------------------
    say("measuring the record page with a 1,000-entry timeline …")
    detail = reverse("contacts:account_detail", args=[hot])
    timeline = reverse("activities:timeline", args=["contacts.account", hot])
    for who in ("rep", "admin"):
        # everything the page loads by itself: the page, then each htmx panel it fetches on load (timeline,
        # network, composer…), read from the page so a new panel is counted without editing this file
        panels = _panels_loaded_with(clients[who], detail)
        assert timeline in panels, panels
        figures[f"record_page_panels_{who}"] = panels
        figures[f"account_page_{who}"] = timed(clients[who], detail, runs)
        figures[f"account_timeline_{who}"] = timed(clients[who], timeline, runs)
        for panel in panels:
            if panel != timeline:
                figures[f"account_panel_{who}:{panel}"] = timed(clients[who], panel, runs)
        figures[f"record_page_total_{who}"] = timed(clients[who], [detail, *panels], runs)
        say(f"  {who}: page+{len(panels)} panels {figures[f'record_page_total_{who}']}")
    tl_cursor = None
    for _ in range(20):  # the 20th timeline page (entries ~475-500): "load more" deep in the history
        tl_cursor = timeline_page(
            user=admin, object_type="contacts.account", object_id=hot, cursor=tl_cursor, limit=25
        ).next_cursor
    assert tl_cursor
    figures["account_timeline_page_21_admin"] = timed(
        clients["admin"], f"{timeline}?cursor={tl_cursor}", runs
    )

    # --- API vs a plain Django view returning the same rows with .values() -----------------------------------
    say("measuring API vs plain Django …")
    _token, secret = token_create(actor=None, user=rep, name="bench", scopes=["read"])
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    api_url = "/api/v1/contacts?limit=50&sort=name"
    baseline_url = "/bench/baseline/contacts?limit=50"
    api_client = Client()
    api_ids = [row["id"] for row in api_client.get(api_url, **auth).json()["items"]]
    base_ids = [row["id"] for row in clients["rep"].get(baseline_url).json()["items"]]
    assert api_ids == base_ids and len(api_ids) == 50, "the API and the baseline must return the same rows"
    api, base = rps([(api_client, api_url, auth), (clients["rep"], baseline_url, {})], seconds=20.0)
    figures["api_contacts_rps"], figures["baseline_values_rps"] = api, base
    figures["api_vs_baseline_ratio"] = round(api["rps"] / base["rps"], 2)
    figures["api_vs_baseline_cpu_ratio"] = round(api["cpu_rps"] / base["cpu_rps"], 2)
    figures["api_contacts_latency"] = timed(api_client, api_url, runs, **auth)
    figures["baseline_values_latency"] = timed(clients["rep"], baseline_url, runs)
    say(
        f"  api {api}, baseline {base}, ratio {figures['api_vs_baseline_ratio']} "
        f"(CPU {figures['api_vs_baseline_cpu_ratio']})"
    )

    # --- queries per request, at two page sizes ---------------------------------------------------------------
    say("counting queries per page size …")
    figures["queries"] = {
        "contact_list_page_size_25": _queries(clients["rep"], list_url + "&page_size=25"),
        "contact_list_page_size_200": _queries(clients["rep"], list_url + "&page_size=200"),
        "api_contacts_limit_5": _queries(api_client, "/api/v1/contacts?limit=5", **auth),
        "api_contacts_limit_200": _queries(api_client, "/api/v1/contacts?limit=200", **auth),
        "baseline_values_limit_50": _queries(clients["rep"], baseline_url),
        "timeline_limit_10": _queries(clients["admin"], timeline + "?limit=10"),
        "timeline_limit_100": _queries(clients["admin"], timeline + "?limit=100"),
        "account_page": _queries(clients["admin"], detail),
    }
    say(f"  {figures['queries']}")
    return figures
