"""The pipeline board in a browser: drag a card to the next stage and the column totals follow; a move that
misses a field the stage requires is refused, the card goes back and the column says which field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from playwright.sync_api import Page, expect

from crm.sales.models import Opportunity
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage


def test_drag_a_card_to_the_next_stage_and_a_refused_move(
    page: Page, login: Any, rep: Any, rep_account: Any, shots: Any
) -> None:
    pipeline = make_pipeline()
    ready = make_opportunity(
        pipeline=pipeline,
        owner=rep,
        account=rep_account,
        name="Fleet renewal",
        amount=Decimal("1500"),
        next_step="Send the quote",
    )
    unready = make_opportunity(
        pipeline=pipeline, owner=rep, account=rep_account, name="Website revamp", amount=None
    )
    qualify, proposal = stage(pipeline, "Qualify"), stage(pipeline, "Proposal")
    login(rep)

    # Given Rita's board: both deals in Qualify, nothing in Proposal
    page.goto(f"/pipeline/{pipeline.pk}/")
    qualify_col = page.locator(f'[data-column][data-stage="{qualify.pk}"]')
    proposal_col = page.locator(f'[data-column][data-stage="{proposal.pk}"]')
    expect(qualify_col.locator("[data-count]")).to_have_text("2")
    expect(qualify_col.locator("[data-total]")).to_contain_text("1,500.00")
    expect(proposal_col.locator("[data-count]")).to_have_text("0")

    # When she drags the ready deal to Proposal, the card lands there and both columns' totals change
    page.locator(f'[data-card][data-id="{ready.pk}"]').drag_to(proposal_col.locator("[data-cards]"))
    expect(proposal_col.locator(f'[data-card][data-id="{ready.pk}"]')).to_be_visible()
    expect(proposal_col.locator("[data-count]")).to_have_text("1")
    expect(proposal_col.locator("[data-total]")).to_contain_text("1,500.00")
    expect(qualify_col.locator("[data-count]")).to_have_text("1")
    expect(qualify_col.locator("[data-total]")).not_to_contain_text("1,500.00")
    ready.refresh_from_db()
    assert ready.stage_id == proposal.pk

    # When she drags the deal without an amount or next step there, the move is refused: the column names the
    # missing fields, the card is back in Qualify and nothing changed
    page.locator(f'[data-card][data-id="{unready.pk}"]').drag_to(proposal_col.locator("[data-cards]"))
    error = proposal_col.locator("[data-column-error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Amount")
    expect(error).to_contain_text("Next step")
    expect(error.get_by_role("link")).to_have_attribute("href", f"/opportunities/{unready.pk}/edit/")
    expect(qualify_col.locator(f'[data-card][data-id="{unready.pk}"]')).to_be_visible()
    expect(proposal_col.locator("[data-count]")).to_have_text("1")
    assert Opportunity.objects.get(pk=unready.pk).stage_id == qualify.pk
    shots.take("pipeline-board")

    # And the moved deal's page shows where it has been
    page.goto(f"/opportunities/{ready.pk}/")
    history = page.get_by_role("region", name="Stage history")
    expect(history).to_contain_text("Qualify")
    expect(history).to_contain_text("Proposal")
    shots.take("opportunity-record")
