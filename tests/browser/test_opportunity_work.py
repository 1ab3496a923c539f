"""Opportunities in a browser: products from the catalog on a deal, pipelines set up in the settings, a card
moved with the keyboard (and by touch on a phone), and a call logged on a lead."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from playwright.sync_api import Page, expect

from crm.activities.models import Activity
from crm.catalog import services as catalog
from crm.catalog.tests.factories import currency, price_book, product, tax
from crm.leads.services import lead_create
from crm.sales.models import Opportunity, OpportunityLine, Pipeline
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage


def test_add_a_product_line_to_an_opportunity(
    page: Page, login: Any, rep: Any, rep_account: Any, shots: Any
) -> None:
    currency("EUR", is_company=True)
    book = price_book("General")
    laptop = product(name="Laptop Pro 14", sku="LAP-14", tax=tax())
    catalog.price_set(actor=None, price_book=book, product=laptop, unit_price=Decimal("1200.00"))
    deal = make_opportunity(
        pipeline=make_pipeline(), owner=rep, account=rep_account, name="Office laptops", amount=Decimal("100")
    )
    login(rep)
    page.goto(f"/opportunities/{deal.pk}/")
    products = page.get_by_role("region", name="Products")
    expect(products).to_contain_text("No products yet")
    products.get_by_text("Add a product").click()

    # A quantity of zero is refused beside the field and nothing is stored
    products.get_by_role("combobox", name="Product").fill("lap")
    option = page.get_by_role("option", name="Laptop Pro 14")
    expect(option).to_contain_text("1,200.00")
    option.click()
    products.get_by_label("Quantity").fill("0")
    products.get_by_role("button", name="Add line").click()
    expect(products).to_contain_text("Enter a quantity greater than zero.")
    assert not OpportunityLine.objects.exists()

    # Two laptops at 10 % off: the line is priced from the catalog and the deal's amount is its net
    products.get_by_label("Quantity").fill("2")
    products.get_by_label("Discount (%)").fill("10")
    products.get_by_role("button", name="Add line").click()
    row = page.locator("[data-line]")
    expect(row).to_contain_text("Laptop Pro 14")
    expect(row).to_contain_text("2,160.00")
    expect(page.locator(f"#opportunity-{deal.pk}-amount")).to_contain_text("2,160.00")
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("2160.00")
    shots.take("opportunity-lines")


def test_create_a_pipeline_with_stages_in_the_settings(
    page: Page, login: Any, admin: Any, shots: Any
) -> None:
    login(admin)
    page.goto("/")
    page.get_by_role("link", name="Pipelines").first.click()
    expect(page.get_by_role("heading", name="Pipelines", level=1)).to_be_visible()
    page.get_by_role("link", name="New pipeline").first.click()
    page.get_by_label("Name", exact=True).fill("Partners")
    page.get_by_label("Name in Spanish").fill("Socios")
    page.get_by_label("Open stages, one a line").fill("Discover\nAgree terms")
    page.get_by_role("button", name="Create pipeline").click()
    expect(page.get_by_role("heading", name="Partners", level=1)).to_be_visible()

    add = page.get_by_role("region", name="Add a stage")
    add.get_by_label("Name", exact=True).fill("Pilot")
    add.get_by_label("Probability (%)").fill("75")
    add.get_by_label("Forecast category").select_option("commit")
    add.get_by_label("Amount").check()
    add.get_by_label("Playbook tasks").fill("Set up the pilot | 2")
    add.get_by_role("button", name="Add stage").click()
    stages = page.get_by_role("region", name="Stages")
    expect(stages).to_contain_text("Pilot")
    pipeline = Pipeline.objects.get(name="Partners")
    assert [s.name for s in pipeline.stages.order_by("position")] == [
        "Discover",
        "Agree terms",
        "Pilot",
        "Won",
        "Lost",
    ]
    pilot = pipeline.stages.get(name="Pilot")
    assert pilot.required_fields == ["amount"] and pilot.playbook == [
        {"title": "Set up the pilot", "due_in_days": 2}
    ]

    # Move it before "Agree terms" with the arrow button
    stages.get_by_role("button", name="Move “Pilot” up").click()
    expect(stages.locator("tbody tr").nth(1)).to_contain_text("Pilot")
    shots.take("pipeline-settings")


def test_move_a_card_with_the_keyboard_and_by_touch(
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
    qualify, proposal, negotiation = (stage(pipeline, n) for n in ("Qualify", "Proposal", "Negotiation"))
    login(rep)
    page.goto(f"/pipeline/{pipeline.pk}/")
    status = page.locator("[data-board-status]")

    # Keyboard: focus the card's "Move to…" button, Enter opens the menu on the first other stage, Enter moves
    card = page.locator(f'[data-card][data-id="{ready.pk}"]')
    card.locator("[data-move-menu]").focus()
    page.keyboard.press("Enter")
    menu = card.get_by_role("menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Proposal")).to_be_focused()
    page.keyboard.press("Enter")
    proposal_col = page.locator(f'[data-column][data-stage="{proposal.pk}"]')
    moved = proposal_col.locator(f'[data-card][data-id="{ready.pk}"]')
    expect(moved).to_be_visible()
    expect(status).to_have_text("“Fleet renewal” moved to “Proposal”.")
    expect(moved.locator("[data-move-menu]")).to_be_focused()
    assert Opportunity.objects.get(pk=ready.pk).stage_id == proposal.pk

    # A move the stage refuses: the live region says which fields are missing, the card stays, nothing changes
    page.locator(f'[data-card][data-id="{unready.pk}"] [data-move-menu]').focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Amount")
    expect(status).to_contain_text("Next step")
    qualify_col = page.locator(f'[data-column][data-stage="{qualify.pk}"]')
    expect(qualify_col.locator(f'[data-card][data-id="{unready.pk}"]')).to_be_visible()
    assert Opportunity.objects.get(pk=unready.pk).stage_id == qualify.pk

    # Escape closes the menu and gives the focus back
    moved.locator("[data-move-menu]").focus()
    page.keyboard.press("Enter")
    expect(moved.get_by_role("menu")).to_be_visible()
    shots.take("pipeline-board-move-menu")
    page.keyboard.press("Escape")
    expect(moved.get_by_role("menu")).to_have_count(0)
    expect(moved.locator("[data-move-menu]")).to_be_focused()

    # On a phone (390 px) the same menu works with taps
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/pipeline/{pipeline.pk}/")
    phone_card = page.locator(f'[data-card][data-id="{ready.pk}"]')
    phone_card.locator("[data-move-menu]").scroll_into_view_if_needed()
    phone_card.locator("[data-move-menu]").click()
    phone_card.get_by_role("menuitem", name="Negotiation").click()
    expect(
        page.locator(f'[data-column][data-stage="{negotiation.pk}"] [data-card][data-id="{ready.pk}"]')
    ).to_be_attached()
    expect(status).to_have_text("“Fleet renewal” moved to “Negotiation”.")
    assert Opportunity.objects.get(pk=ready.pk).stage_id == negotiation.pk


def test_log_a_call_on_a_lead(page: Page, login: Any, rep: Any, shots: Any) -> None:
    lead = lead_create(
        actor=rep, first_name="Lucía", last_name="García", company="Acme Iberia", email="l@acme.example"
    )
    login(rep)
    page.goto(f"/leads/{lead.pk}/")
    composer = page.locator(".composer")
    composer.get_by_role("tab", name="Call").click()
    expect(composer.get_by_role("tab", name="Call")).to_have_attribute("aria-selected", "true")
    composer.get_by_label("Subject").fill("Discovery call")
    composer.get_by_label("Direction").select_option("outbound")
    composer.get_by_label("Duration (minutes)").fill("15")
    composer.get_by_role("button", name="Save").click()
    expect(page.locator(".timeline")).to_contain_text("Discovery call")
    call = Activity.objects.get()
    assert (call.kind, call.subject_type, call.subject_id) == ("call", "leads.lead", lead.pk)
    shots.take("lead-activities")


def test_choose_contacts_of_the_account_on_the_opportunity_form(
    page: Page, login: Any, rep: Any, rep_account: Any, shots: Any
) -> None:
    from crm.contacts import services as contact_services

    for first, last in (("Ana", "Ruiz"), ("Bruno", "Díaz"), ("Carla", "Soto")):
        contact_services.contact_create(actor=rep, first_name=first, last_name=last, account=rep_account)
    deal = make_opportunity(pipeline=make_pipeline(), owner=rep, account=rep_account, name="Office move")
    login(rep)
    page.goto(f"/opportunities/{deal.pk}/edit/")
    picker = page.locator("[data-contacts-picker]")
    expect(picker).to_contain_text("Ana Ruiz")
    picker.get_by_role("searchbox").fill("bru")
    expect(picker.get_by_label("Bruno Díaz")).to_be_visible()
    expect(picker).not_to_contain_text("Carla Soto")
    picker.get_by_label("Bruno Díaz").check()
    picker.get_by_role("searchbox").fill("ana")
    expect(picker.get_by_label("Ana Ruiz")).to_be_visible()
    expect(picker.get_by_label("Bruno Díaz")).to_be_checked()  # a ticked contact stays while searching
    picker.get_by_label("Ana Ruiz").check()
    shots.take("opportunity-contacts-picker")
    page.get_by_role("button", name="Save").click()
    related = page.get_by_role("region", name="Contacts")
    expect(related).to_contain_text("Ana Ruiz")
    expect(related).to_contain_text("Bruno Díaz")
    assert sorted(c.full_name for c in Opportunity.objects.get(pk=deal.pk).contacts.all()) == [
        "Ana Ruiz",
        "Bruno Díaz",
    ]
