"""HTML pages: the board (query budget, moves), the list, the record page, forms and the account panel."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.contacts.tests.factories import AccountFactory
from crm.sales.models import Opportunity, StageChange
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline() -> Any:
    return make_pipeline()


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(pk: int) -> dict[str, Any]:
    row = Opportunity.objects.filter(pk=pk).values().get()
    row.pop("updated_at")
    return row


def _board_queries(client: Client, pipeline: Any) -> int:
    url = reverse("sales:pipeline_board", args=[pipeline.pk])
    client.get(url)  # warm per-process caches (URL patterns, templates)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_board_query_count_does_not_grow_with_the_cards(pipeline: Any, rep: Any, make_user: Any) -> None:
    client = _client(rep)
    account = AccountFactory(owner=rep)
    teammate = make_user("sales_rep", team="North")
    make_opportunity(pipeline=pipeline, owner=rep, account=account)
    few = _board_queries(client, pipeline)
    for i in range(30):
        make_opportunity(
            pipeline=pipeline,
            owner=teammate if i % 2 else rep,
            account=AccountFactory(owner=rep),
            name=f"Deal {i}",
            stage=stage(pipeline, "Negotiation") if i % 3 == 0 else None,
        )
    many = _board_queries(client, pipeline)
    assert many == few
    # the budget: session, user, grants, team, pipelines, pipeline, one per column, totals, owners
    assert many <= 5 + 5 + 8


def test_board_shows_columns_with_counts_totals_and_load_more(pipeline: Any, rep: Any) -> None:
    account = AccountFactory(owner=rep, name="Acme Iberia")
    for i in range(22):
        make_opportunity(pipeline=pipeline, owner=rep, account=account, name=f"Deal {i:02d}", amount="100")
    response = _client(rep).get(reverse("sales:pipeline_board", args=[pipeline.pk]))
    html = response.content.decode()
    assert "Acme Iberia" in html
    assert html.count("data-card ") == 20
    assert "2.200,00" in html or "2,200.00" in html
    assert "Load more" in html or "Cargar más" in html
    qualify = stage(pipeline, "Qualify")
    page = _client(rep).get(reverse("sales:board_column", args=[pipeline.pk, qualify.pk]) + "?cursor=bad")
    assert page.status_code == 400


def test_board_load_more_continues_after_the_cursor(pipeline: Any, rep: Any) -> None:
    from crm.sales.selectors import board, board_column, pipeline_get

    account = AccountFactory(owner=rep)
    for i in range(25):
        make_opportunity(pipeline=pipeline, owner=rep, account=account, name=f"Deal {i:02d}")
    p = pipeline_get(user=rep, pk=pipeline.pk)
    first = board(user=rep, pipeline=p)[0]
    assert len(first.cards) == 20 and first.count == 25
    rest, cursor = board_column(user=rep, stage=first.stage, cursor=first.next_cursor)
    assert cursor is None
    assert {o.pk for o in first.cards}.isdisjoint({o.pk for o in rest}) and len(rest) == 5


def test_drag_move_answers_json_with_new_totals(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep, next_step="Send it")
    negotiation = stage(pipeline, "Negotiation")
    response = _client(rep).post(
        reverse("sales:opportunity_move", args=[opportunity.pk]),
        {"stage": negotiation.pk, "version": opportunity.version},
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["columns"][str(negotiation.pk)]["count"] == "1"
    assert body["columns"][str(stage(pipeline, "Qualify").pk)]["count"] == "0"
    assert "data-card" in body["card"]
    opportunity.refresh_from_db()
    assert opportunity.stage_id == negotiation.pk


def test_drag_move_missing_required_fields_answers_each_and_changes_nothing(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep, amount=None)
    before = _row(opportunity.pk)
    response = _client(rep).post(
        reverse("sales:opportunity_move", args=[opportunity.pk]),
        {"stage": stage(pipeline, "Proposal").pk, "version": opportunity.version},
    )
    assert response.status_code == 422
    body = json.loads(response.content)
    assert {e["field"] for e in body["errors"]} == {"amount", "next_step"}
    assert body["edit_url"] == reverse("sales:opportunity_update", args=[opportunity.pk])
    assert _row(opportunity.pk) == before
    assert StageChange.objects.filter(opportunity=opportunity).count() == 1


def test_drag_move_with_stale_version_is_refused(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep)
    client = _client(rep)
    client.post(
        reverse("sales:opportunity_move", args=[opportunity.pk]),
        {"stage": stage(pipeline, "Negotiation").pk, "version": 1},
    )
    before = _row(opportunity.pk)
    response = client.post(
        reverse("sales:opportunity_move", args=[opportunity.pk]),
        {"stage": stage(pipeline, "Qualify").pk, "version": 1},
    )
    assert response.status_code == 409
    assert "changed this record" in json.loads(response.content)["title"]
    assert _row(opportunity.pk) == before


def test_another_teams_opportunity_is_404_everywhere(pipeline: Any, rep: Any, make_user: Any) -> None:
    other = make_user("sales_rep", team="South")
    theirs = make_opportunity(pipeline=pipeline, owner=other, name="Secret South deal")
    client = _client(rep)
    assert client.get(reverse("sales:opportunity_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("sales:opportunity_update", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("sales:opportunity_won", args=[theirs.pk])).status_code == 404
    move = client.post(
        reverse("sales:opportunity_move", args=[theirs.pk]), {"stage": stage(pipeline, "Won").pk}
    )
    assert move.status_code == 404
    assert (
        "Secret South deal"
        not in client.get(reverse("sales:pipeline_board", args=[pipeline.pk])).content.decode()
    )
    assert "Secret South deal" not in client.get(reverse("sales:opportunity_list")).content.decode()
    assert _row(theirs.pk)["status"] == "open"


def test_record_page_shows_stage_bar_history_and_timeline(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep, name="Fleet", next_step="Call")
    client = _client(rep)
    client.post(
        reverse("sales:opportunity_stage", args=[opportunity.pk]),
        {"stage": stage(pipeline, "Proposal").pk, "version": 1},
    )
    html = client.get(reverse("sales:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert "Stage history" in html and "Proposal" in html and "Qualify" in html
    timeline = client.get(reverse("activities:timeline", args=["sales.opportunity", opportunity.pk]))
    assert timeline.status_code == 200
    assert "moved the opportunity" in timeline.content.decode()


def test_record_page_stage_bar_refusal_shows_the_fields(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep, amount=None)
    before = _row(opportunity.pk)
    response = _client(rep).post(
        reverse("sales:opportunity_stage", args=[opportunity.pk]),
        {"stage": stage(pipeline, "Proposal").pk, "version": 1},
        follow=True,
    )
    html = response.content.decode()
    assert "Amount" in html and "Required to enter the stage" in html
    assert _row(opportunity.pk) == before


def test_lost_form_requires_a_reason(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep)
    before = _row(opportunity.pk)
    response = _client(rep).post(
        reverse("sales:opportunity_lost", args=[opportunity.pk]), {"reason": "", "version": 1}
    )
    assert response.status_code == 422
    assert _row(opportunity.pk) == before
    ok = _client(rep).post(
        reverse("sales:opportunity_lost", args=[opportunity.pk]), {"reason": "Price", "version": 1}
    )
    assert ok.status_code == 302
    assert _row(opportunity.pk)["status"] == "lost"


def test_create_and_edit_forms(pipeline: Any, rep: Any) -> None:
    account = AccountFactory(owner=rep)
    client = _client(rep)
    bad = client.post(
        reverse("sales:opportunity_create_in", args=[pipeline.pk]),
        {
            "name": "New deal",
            "account": account.pk,
            "owner": rep.pk,
            "currency": "QQQ",
            "close_date": "2026-09-01",
            "stage": stage(pipeline, "Qualify").pk,
        },
    )
    assert bad.status_code == 422
    assert "ISO 4217" in bad.content.decode()
    assert not Opportunity.objects.exists()
    ok = client.post(
        reverse("sales:opportunity_create_in", args=[pipeline.pk]),
        {
            "name": "New deal",
            "account": account.pk,
            "owner": rep.pk,
            "currency": "GBP",
            "close_date": "2026-09-01",
            "amount": "10",
            "stage": stage(pipeline, "Qualify").pk,
        },
    )
    assert ok.status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.currency == "GBP"
    edit_url = reverse("sales:opportunity_update", args=[opportunity.pk])
    form = {
        "name": "Renamed",
        "account": account.pk,
        "owner": rep.pk,
        "currency": "GBP",
        "close_date": "2026-09-01",
        "version": 1,
    }
    assert client.post(edit_url, form).status_code == 302
    before = _row(opportunity.pk)
    stale = client.post(edit_url, {**form, "name": "Overwrite"})
    assert stale.status_code == 422
    assert "changed this record" in stale.content.decode()
    assert _row(opportunity.pk) == before


def test_account_panel_lists_its_opportunities(pipeline: Any, rep: Any) -> None:
    account = AccountFactory(owner=rep)
    make_opportunity(pipeline=pipeline, owner=rep, account=account, name="Panel deal")
    client = _client(rep)
    html = client.get(reverse("sales:account_opportunities", args=[account.pk])).content.decode()
    assert "Panel deal" in html
    page = client.get(reverse("contacts:account_detail", args=[account.pk])).content.decode()
    assert reverse("sales:account_opportunities", args=[account.pk]) in page


def test_list_filters_and_bad_filter_message(pipeline: Any, rep: Any) -> None:
    make_opportunity(pipeline=pipeline, owner=rep, name="Alpha")
    client = _client(rep)
    html = client.get(reverse("sales:opportunity_list"), {"q": "alp"}).content.decode()
    assert "Alpha" in html
    bad = client.get(reverse("sales:opportunity_list"), {"sort": "nope"})
    assert bad.status_code == 200 and "Cannot sort by" in bad.content.decode()


def test_account_key_figures_count_open_opportunities(pipeline: Any, rep: Any) -> None:
    from crm.contacts.rollups import rollup_values
    from crm.sales.services import opportunity_close_won

    account = AccountFactory(owner=rep)
    make_opportunity(pipeline=pipeline, owner=rep, account=account)
    opportunity_close_won(
        actor=rep, opportunity=make_opportunity(pipeline=pipeline, owner=rep, account=account)
    )
    figures = {v.key: v.value for v in rollup_values(user=rep, account_ids=[account.pk])}
    assert figures["sales.open_opportunities"] == 1


def test_inline_field_saves_and_refuses_a_stale_version(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep, next_step="Call")
    client = _client(rep)
    url = reverse("sales:opportunity_field", args=[opportunity.pk, "next_step"])
    form = client.get(url, {"edit": "1"}, headers={"HX-Request": "true"})
    assert form.status_code == 200 and 'name="next_step"' in form.content.decode()
    saved = client.post(url, {"next_step": "Send the quote", "version": 1}, headers={"HX-Request": "true"})
    assert saved.status_code == 204 and saved["HX-Refresh"] == "true"
    assert _row(opportunity.pk)["next_step"] == "Send the quote"
    before = _row(opportunity.pk)
    stale = client.post(url, {"next_step": "Overwrite", "version": 1}, headers={"HX-Request": "true"})
    assert stale.status_code == 200
    assert "changed this record" in stale.content.decode()
    assert _row(opportunity.pk) == before
    assert client.get(reverse("sales:opportunity_field", args=[opportunity.pk, "owner"])).status_code == 404


def test_list_page_query_count_does_not_grow_with_the_rows(pipeline: Any, rep: Any) -> None:
    client = _client(rep)
    make_opportunity(pipeline=pipeline, owner=rep)
    url = reverse("sales:opportunity_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        make_opportunity(pipeline=pipeline, owner=rep, name=f"Deal {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_load_more_link_answers_the_next_cards(pipeline: Any, rep: Any) -> None:
    account = AccountFactory(owner=rep)
    for i in range(23):
        make_opportunity(pipeline=pipeline, owner=rep, account=account, name=f"Deal {i:02d}")
    client = _client(rep)
    html = client.get(reverse("sales:pipeline_board", args=[pipeline.pk])).content.decode()
    qualify = stage(pipeline, "Qualify")
    prefix = reverse("sales:board_column", args=[pipeline.pk, qualify.pk]) + "?cursor="
    cursor = html.split(prefix, 1)[1].split('"', 1)[0].split("&", 1)[0]
    more = client.get(prefix + cursor, headers={"HX-Request": "true"}).content.decode()
    assert more.count("data-card ") == 3
    assert "Load more" not in more


def test_closed_columns_show_the_last_90_days_most_recent_first(pipeline: Any, rep: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from crm.sales.selectors import board, pipeline_get
    from crm.sales.services import opportunity_close_won

    now = timezone.now()
    old = opportunity_close_won(
        actor=rep,
        opportunity=make_opportunity(pipeline=pipeline, owner=rep, name="Old"),
        at=now - dt.timedelta(days=200),
    )
    earlier = opportunity_close_won(
        actor=rep,
        opportunity=make_opportunity(pipeline=pipeline, owner=rep, name="Earlier"),
        at=now - dt.timedelta(days=5),
    )
    recent = opportunity_close_won(
        actor=rep, opportunity=make_opportunity(pipeline=pipeline, owner=rep, name="Recent")
    )
    won = next(c for c in board(user=rep, pipeline=pipeline_get(user=rep, pk=pipeline.pk)) if c.stage.is_won)
    assert [o.pk for o in won.cards] == [recent.pk, earlier.pk]
    assert won.count == 2
    assert old.pk not in {o.pk for o in won.cards}
