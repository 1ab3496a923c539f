"""The customer 360 page in a browser: key figures, the company family as a navigable tree, adding a typed link
from the Network panel, and the owner form loaded when opened."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from crm.contacts import network
from crm.contacts import services as contact_services


def test_navigate_the_family_tree_and_add_a_link(page: Page, login: Any, rep: Any, shots: Any) -> None:
    group = contact_services.account_create(actor=rep, name="Grupo Norte", account_type="customer")
    spain = contact_services.account_create(
        actor=rep, name="Norte España", parent=group, account_type="customer"
    )
    madrid = contact_services.account_create(
        actor=rep, name="Norte Madrid", parent=spain, account_type="customer"
    )
    contact_services.account_create(actor=rep, name="Norte Francia", parent=group)
    dist = contact_services.account_create(actor=rep, name="Distribuciones Sur", account_type="distributor")
    for name, account, role in (("Lucía Martín", spain, "decision_maker"), ("Pablo Ruiz", madrid, "billing")):
        first, last = name.split()
        contact_services.contact_create(
            actor=rep, first_name=first, last_name=last, account=account, account_role=role
        )
    login(rep)

    # Given Rita on the Spanish subsidiary: key figures over its subtree, and its family with itself marked
    page.goto(spain.get_absolute_url())
    figures = page.get_by_label("Key figures")
    expect(figures).to_contain_text("Subsidiaries")
    expect(figures).to_contain_text("People")
    tree = page.get_by_role("tree", name="Company family")
    expect(tree.locator("[aria-current=page]")).to_contain_text("Norte España")
    expect(tree.get_by_role("link", name="Norte Madrid")).to_be_visible()
    shots.take("account-360")

    # When she follows the tree up to the group, the group is the one marked there
    tree.get_by_role("link", name="Grupo Norte").click()
    expect(page.get_by_role("heading", name="Grupo Norte", level=1)).to_be_visible()
    tree = page.get_by_role("tree", name="Company family")
    expect(tree.locator("[aria-current=page]")).to_contain_text("Grupo Norte")
    expect(page.get_by_label("Key figures")).to_contain_text("3")  # three subsidiaries below the group

    # And down to Madrid, where she links the distributor
    tree.get_by_role("link", name="Norte Madrid").click()
    expect(page.get_by_role("heading", name="Norte Madrid", level=1)).to_be_visible()
    panel = page.get_by_role("region", name="Network")
    panel.locator("summary", has_text="Add link").click()
    panel.get_by_role("combobox", name="This account is").select_option(label="Supplier of")
    panel.get_by_role("combobox", name="Account", exact=True).fill("Distrib")
    panel.get_by_role("option", name="Distribuciones Sur").click()
    panel.get_by_role("button", name="Add link").click()
    panel = page.get_by_role("region", name="Network")
    expect(panel).to_contain_text("Supplier of")
    expect(panel.get_by_role("link", name="Distribuciones Sur")).to_be_visible()
    groups = network.account_links(user=rep, account=madrid)
    assert [(label, [i.other.pk for i in items]) for label, items in groups] == [("Supplier of", [dist.pk])]

    # Then the distributor's page reads the link the other way round
    panel.get_by_role("link", name="Distribuciones Sur").click()
    expect(page.get_by_role("heading", name="Distribuciones Sur", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Network")).to_contain_text("Supplied by")

    # The owner form is fetched only when opened
    page.get_by_text("Change owner").first.click()
    expect(page.get_by_role("combobox", name="New owner")).to_be_visible()
