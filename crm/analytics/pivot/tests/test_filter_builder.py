"""The builder's filter rows ([field ▾] [operator ▾] [value]) serialise to the same `filters` a definition always
held; bad values come back next to their row, named by the field; and "Other" cells drill to their records."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import QueryDict

from crm.analytics.pivot import engine
from crm.analytics.pivot.filtering import (
    filter_options,
    filters_text,
    rows_from_lists,
    rows_split,
)
from crm.analytics.pivot.models import SavedReport
from crm.analytics.pivot.presenters import definition_from_query
from crm.analytics.pivot.services import saved_report_create
from crm.analytics.pivot.sources import source_get

BASE = {"object": "opportunities", "row": "owner", "aggregate": "count"}


def _definition(text: str) -> dict[str, Any]:
    q = QueryDict(mutable=True)
    q.update({**BASE, "filters": text})
    return definition_from_query(q)


def test_rows_serialise_to_the_filters_a_definition_holds(world: Any) -> None:
    options = filter_options(source_get("opportunities"))
    rows = rows_from_lists(
        ["status", "status", "close_date", "", "amount"],
        ["", "", "gte", "", "gte"],
        ["open", "won", "2026-02-01", "", ""],  # a blank row and a row without a value are no filter
        options,
    )
    text = filters_text(rows, "custom.region=north")
    assert _definition(text)["filters"] == {
        "status": ["open", "won"],
        "close_date__gte": "2026-02-01",
        "custom.region": "north",
    }


def test_saved_filters_split_into_rows_and_the_rest_stays_advanced(world: Any) -> None:
    options = filter_options(source_get("opportunities"))
    rows, advanced = rows_split(
        "status=open,won\nclose_date__lte=2026-03-01\ncustom.x=1\nstage__gt=3", options
    )
    assert [(r.name, r.op, r.value) for r in rows] == [
        ("status", "", "open"),
        ("status", "", "won"),
        ("close_date", "lte", "2026-03-01"),
    ]
    assert advanced == "custom.x=1\nstage__gt=3"
    assert {o.widget for o in options.values()} >= {"select", "date", "number", "text"}
    assert options["owner"].widget == "select" and ("me", "Me") in options["owner"].choices
    assert options["status"].choices[0][0] == "open"


def test_builder_rows_filter_the_pivot_and_the_links_keep_the_filters(world: Any, client: Any) -> None:
    client.force_login(world.manager)
    page = client.get(
        "/analytics/pivot/",
        {**BASE, "fn": ["close_date", "owner"], "fo": ["gte", ""], "fv": ["2026-02-01", str(world.rep.pk)]},
    )
    html = page.content.decode()
    assert page.status_code == 200
    grand = re.search(r'data-testid="pivot-grand-total"><a href="([^"]+)">([^<]+)<', html)
    assert grand is not None and grand.group(2) == "1"  # Rita's deal of February only
    drill = client.get(grand.group(1).replace("&amp;", "&"))
    assert "Deal 2" in drill.content.decode() and "Deal 0" not in drill.content.decode()
    # the rows come back as rows, with the values chosen
    assert html.count('data-testid="pivot-filter-row"') == 2
    assert 'type="date"' in html and 'value="2026-02-01"' in html
    assert f'<option value="{world.rep.pk}" selected>' in html


def test_a_bad_value_is_shown_next_to_its_row_with_the_field_name(world: Any, client: Any) -> None:
    client.force_login(world.manager)
    params = {**BASE, "fn": ["status", "close_date"], "fo": ["", "gte"], "fv": ["open", "soon"]}
    html = client.get("/analytics/pivot/", params).content.decode()
    slot = re.findall(r'id="pivot-filter-error-1"[^>]*>([^<]*)<', html)
    assert slot == ["Expected close date: Enter a date as YYYY-MM-DD."]  # once, in its row
    assert 'data-testid="pivot-errors"' not in html  # not repeated above the result
    assert 'data-testid="pivot-table"' not in html
    partial = client.get(
        "/analytics/pivot/", {**params, "partial": "result"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert re.search(r'id="pivot-filter-error-0"[^>]*hx-swap-oob="true">\s*<', partial)  # cleared
    assert re.search(
        r'id="pivot-filter-error-1"[^>]*hx-swap-oob="true">Expected close date: Enter a date', partial
    )


def test_an_unknown_filter_in_the_advanced_text_is_named_above_the_result(world: Any, client: Any) -> None:
    client.force_login(world.manager)
    html = client.get("/analytics/pivot/", {**BASE, "filters": "colour=red"}).content.decode()
    assert 'data-testid="pivot-errors"' in html and "filters.colour" in html
    assert "colour=red</textarea>" in html


def test_the_filter_row_endpoint_gives_each_kind_its_widget(world: Any, client: Any) -> None:
    client.force_login(world.rep)
    row = lambda **q: client.get("/analytics/pivot/filter-row/", q).content.decode()  # noqa: E731
    assert 'type="date"' in row(object="opportunities", fn="close_date")
    status = row(object="opportunities", fn="status")
    assert '<select class="input pivot-filter-row__value"' in status and 'value="won"' in status
    assert 'value="me"' in row(object="opportunities", fn="owner")
    assert f'value="{world.north.pk}"' in row(object="leads", fn="team")
    assert 'type="number"' in row(object="accounts", fn="churn_risk")
    blank = row(object="opportunities")
    assert "readonly" in blank and 'value="close_date"' in blank
    assert 'value="close_date"' not in row(object="nope")


def test_a_report_saved_from_rows_keeps_the_definition_format(world: Any, client: Any) -> None:
    client.force_login(world.rep)
    client.post(
        "/analytics/pivot/reports/",
        {**BASE, "name": "Open", "filters": "status=open\nclose_date__gte=2026-01-01"},
    )
    report = SavedReport.objects.get()
    assert report.definition["filters"] == {"status": "open", "close_date__gte": "2026-01-01"}
    html = client.get("/analytics/pivot/", {"report": report.pk}).content.decode()
    assert html.count('data-testid="pivot-filter-row"') == 2


def test_other_cells_drill_to_the_records_of_the_members_not_shown(
    world: Any, client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(engine, "ROW_MEMBERS", 1)
    monkeypatch.setattr(engine, "COLUMN_MEMBERS", 1)
    client.force_login(world.manager)
    html = client.get("/analytics/pivot/", {**BASE, "column": "close_date:month"}).content.decode()
    links = [a.replace("&amp;", "&") for a in re.findall(r'href="(/analytics/pivot/records/[^"]+)"', html)]
    other_row = [u for u in links if re.search(r"count&k=__other__&x0=\d+$", u)]  # the "Other" row's total
    assert other_row, links
    names = client.get(other_row[0]).content.decode()
    shown = int(re.search(r"x0=(\d+)", other_row[0]).group(1))  # type: ignore[union-attr]
    hidden = world.other_rep if shown == world.rep.pk else world.rep
    for deal in world.deals:  # "Other" holds the deals of the owner not shown, and only those
        assert (f">{deal.name}<" in names) == (deal.owner_id == hidden.pk)
    assert 'data-testid="pivot-records-other"' in names
    other_col = [u for u in links if "count&k=%2A&k=__other__&x1=" in u]  # the "Other" column's total
    earlier = client.get(other_col[0]).content.decode()  # March is shown: January and February are "Other"
    assert [d.name for d in world.deals if f">{d.name}<" in earlier] == [
        "Deal 0",
        "Deal 1",
        "Deal 2",
        "Deal 3",
    ]


def test_an_other_link_without_the_members_shown_is_refused(world: Any, client: Any) -> None:
    client.force_login(world.manager)
    response = client.get("/analytics/pivot/records/", {**BASE, "k": ["__other__"]})
    assert response.status_code == 400
    assert "Say which members are shown next to “Other”." in response.content.decode()


@pytest.mark.parametrize("kind", ["date", "number"])
def test_options_cover_the_accounts_list_filters_of_the_analyses(world: Any, kind: str) -> None:
    options = filter_options(source_get("accounts"))
    assert {o.name for o in options.values() if o.widget == kind} & {"cohort", "clv", "churn_risk"}
    assert saved_report_create  # imported for the fixtures' side: the app is loaded
