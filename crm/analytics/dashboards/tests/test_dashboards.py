"""Dashboards: role homes and shared visibility, customising (copy, add/remove/reorder), bad input refused
with the field named and nothing stored, the API, the CLI and the pages."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from crm.analytics.dashboards import selectors, services
from crm.analytics.dashboards.models import Dashboard
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound

pytestmark = pytest.mark.django_db


def test_each_role_gets_its_built_in_home(make_user: Any) -> None:
    assert selectors.dashboard_home(user=make_user("sales_rep")).builtin == "rep"
    assert selectors.dashboard_home(user=make_user("sales_manager")).builtin == "manager"
    assert selectors.dashboard_home(user=make_user("administrator")).builtin == "admin"
    assert selectors.dashboard_home(user=make_user("marketing")).builtin == "company"


def test_copy_becomes_the_users_home_and_can_be_reordered(make_user: Any) -> None:
    rep = make_user("sales_rep")
    home = selectors.dashboard_home(user=rep)
    copy = services.dashboard_copy(actor=rep, dashboard=home)
    assert selectors.dashboard_home(user=rep).pk == copy.pk
    keys = [w["key"] for w in copy.widgets]
    services.dashboard_update(actor=rep, dashboard=copy, changes={"widgets": list(reversed(copy.widgets))})
    copy.refresh_from_db()
    assert [w["key"] for w in copy.widgets] == list(reversed(keys))
    # the built-in one is untouched and a rep may not change it
    with pytest.raises(PermissionDenied):
        services.dashboard_update(actor=rep, dashboard=home, changes={"name": "Mine now"})


def test_shared_dashboards_are_visible_to_their_audience_only(make_user: Any) -> None:
    boss = make_user("sales_manager", team="North")
    north = make_user("sales_rep", team="North")
    south = make_user("sales_rep", team="South")
    shared = services.dashboard_create(
        actor=boss,
        name="North board",
        widgets=[{"key": "win_rate"}],
        visibility="team",
        team_id=north.team_id,
    )
    private = services.dashboard_create(actor=boss, name="Mine", widgets=[])
    assert selectors.dashboard_get(user=north, pk=shared.pk) == shared
    with pytest.raises(RecordNotFound):
        selectors.dashboard_get(user=south, pk=shared.pk)
    with pytest.raises(RecordNotFound):
        selectors.dashboard_get(user=north, pk=private.pk)
    # a rep may not share
    with pytest.raises(PermissionDenied):
        services.dashboard_create(actor=north, name="x", widgets=[], visibility="everyone")


def test_bad_widgets_name_the_field_and_store_nothing(make_user: Any) -> None:
    rep = make_user("sales_rep")
    before = Dashboard.objects.count()
    with pytest.raises(InvalidInput) as bad:
        services.dashboard_create(
            actor=rep,
            name="x",
            widgets=[{"key": "win_rate"}, {"key": "nope"}, {"key": "customers", "settings": {"days": 5000}}],
        )
    assert set(bad.value.field_errors) == {"widgets[1].key", "widgets[2].settings.days"}
    assert Dashboard.objects.count() == before
    mine = services.dashboard_create(actor=rep, name="ok", widgets=[{"key": "win_rate"}])
    with pytest.raises(InvalidInput) as bad:
        services.dashboard_update(
            actor=rep, dashboard=mine, changes={"widgets": [{"key": "win_rate", "settings": {"x": 1}}]}
        )
    assert "widgets[0].settings.x" in bad.value.field_errors
    mine.refresh_from_db()
    assert mine.widgets == [{"key": "win_rate", "settings": {"mine": False}}]


def test_api_lists_computes_and_crud(make_user: Any, deals: Any) -> None:
    boss = make_user("sales_manager", team=None)
    api = ApiClient(boss)
    listed = api.get("/api/v1/analytics/dashboards")
    assert listed.status_code == 200 and any(d["builtin"] == "manager" for d in listed.json())
    created = api.post("/api/v1/analytics/dashboards", {"name": "Q2", "widgets": [{"key": "won_lost"}]})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = api.get(f"/api/v1/analytics/dashboards/{pk}", {"period": "2026-Q2"})
    assert detail.status_code == 200
    assert detail.json()["results"][0]["figures"]["won"]["count"] == 2
    bad = api.get(f"/api/v1/analytics/dashboards/{pk}", {"period": "someday"})
    assert bad.status_code == 422 and "period" in problem_fields(bad)
    bad = api.get(f"/api/v1/analytics/dashboards/{pk}", {"owner": "bob"})
    assert bad.status_code == 422 and "owner" in problem_fields(bad)
    bad = api.patch(f"/api/v1/analytics/dashboards/{pk}", {"widgets": [{"key": "nope"}]})
    assert bad.status_code == 422 and "widgets[0].key" in problem_fields(bad)
    assert Dashboard.objects.get(pk=pk).widgets[0]["key"] == "won_lost"
    widget = api.get("/api/v1/analytics/widgets/win_rate", {"period": "2026-Q2", "mine": "false"})
    assert widget.status_code == 200 and widget.json()["figures"]["closed"] == 3
    assert api.get("/api/v1/analytics/widgets/nope").status_code == 422
    assert "colour" in problem_fields(api.get("/api/v1/analytics/widgets/win_rate", {"colour": "red"}))
    assert api.delete(f"/api/v1/analytics/dashboards/{pk}").status_code == 204
    assert not Dashboard.objects.filter(pk=pk).exists()
    other = make_user("sales_rep")
    assert ApiClient(other).get(f"/api/v1/analytics/dashboards/{listed.json()[0]['id']}").status_code in (
        200,
        404,
    )


def test_cli_prints_the_home_dashboards_figures(make_user: Any, deals: Any) -> None:
    boss = make_user("sales_manager", team=None, email="boss@example.com")
    out = io.StringIO()
    call_command(
        "analytics",
        "dashboard",
        "--user",
        boss.email,
        "--period",
        "2026-Q2",
        stdout=out,
        stderr=io.StringIO(),
    )
    data = json.loads(out.getvalue())
    assert data["dashboard"]["name"] == "My team"
    win = next(w for w in data["widgets"] if w["key"] == "win_rate")
    assert win["figures"]["closed"] == 3
    with pytest.raises(CommandError, match="period"):
        call_command("analytics", "dashboard", "--user", boss.email, "--period", "soon", stdout=io.StringIO())


def test_pages_render_and_widgets_load_as_fragments(make_user: Any, deals: Any, client: Any) -> None:
    boss = make_user("sales_manager", team=None)
    client.force_login(boss)
    home = selectors.dashboard_home(user=boss)
    page = client.get(f"/dashboards/{home.pk}/?period=2026-Q2")
    assert page.status_code == 200
    assert f"/dashboards/{home.pk}/widgets/0/?period=2026-Q2" in page.content.decode()
    fragment = client.get(f"/dashboards/{home.pk}/widgets/0/?period=2026-Q2")
    assert fragment.status_code == 200 and "<svg" in fragment.content.decode()
    assert "close_date__gte=2026-04-01" in fragment.content.decode()
    bad = client.get(f"/dashboards/{home.pk}/widgets/0/?period=nope")
    assert bad.status_code == 400 and "period" in bad.content.decode()
    assert client.get("/dashboards/home/").status_code == 200
    assert "/dashboards/home/" in client.get("/").content.decode()
    copied = client.post(f"/dashboards/{home.pk}/copy/")
    assert copied.status_code == 302
    mine = selectors.dashboard_home(user=boss)
    assert mine.owner_id == boss.pk
    n = len(mine.widgets)
    client.post(f"/dashboards/{mine.pk}/edit/", {"action": "add", "key": "customers"})
    client.post(f"/dashboards/{mine.pk}/edit/", {"action": "remove", "index": "0"})
    mine.refresh_from_db()
    assert len(mine.widgets) == n and mine.widgets[-1]["key"] == "customers"
    bad = client.post(f"/dashboards/{mine.pk}/edit/", {"action": "add", "key": "nope"})
    assert bad.status_code == 400
    mine.refresh_from_db()
    assert len(mine.widgets) == n


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026-Q5"}, "period"),
        ({"period": "custom"}, "from"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to"),
        ({"from": "yesterday", "to": "2026-04-01"}, "from"),
        ({"team": "north"}, "team"),
        ({"pipeline": "-1"}, "pipeline"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_filters_name_the_parameter(make_user: Any, params: dict[str, str], field: str) -> None:
    from crm.analytics.dashboards.filters import dashboard_filters_parse

    with pytest.raises(InvalidInput) as bad:
        dashboard_filters_parse(user=make_user("sales_rep"), params=params)
    assert field in bad.value.field_errors


def test_presets_and_custom_ranges() -> None:
    import datetime as dt

    from crm.analytics.dashboards.filters import dashboard_filters_parse

    today = dt.date(2026, 2, 14)
    last_quarter = dashboard_filters_parse(user=None, params={"period": "last_quarter"}, today=today).period
    assert (last_quarter.start, last_quarter.last_day) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    year = dashboard_filters_parse(user=None, params={"period": "last_12_months"}, today=today).period
    assert (year.start, year.last_day) == (dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    custom = dashboard_filters_parse(
        user=None, params={"period": "custom", "from": "2026-01-10", "to": "2026-01-20"}
    )
    assert (custom.period.start, custom.period.end) == (dt.date(2026, 1, 10), dt.date(2026, 1, 21))
    assert (custom.month_period.start, custom.month_period.end) == (dt.date(2026, 1, 1), dt.date(2026, 2, 1))
