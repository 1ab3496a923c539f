"""Permission-scoped reads of the relationship network: an account's family tree (parent / subsidiaries),
its roll-ups, and the typed links between accounts and between people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from crm.contacts.enums import ACCOUNT_LINK_INVERSE, CONTACT_LINK_INVERSE, AccountLinkType, ContactLinkType
from crm.contacts.models import Account, AccountLink, Contact, ContactAccount, ContactLink
from crm.contacts.rollups import RollupValue, rollup_values
from crm.core.errors import RecordNotFound
from crm.core.identity.permissions import scope_q

MAX_DEPTH = 12  # deeper families are cut (and corrupt parent chains cannot loop forever)
MAX_NODES = 300  # the tree shows at most this many accounts of a family


@dataclass
class FamilyNode:
    pk: int
    parent_id: int | None
    depth: int
    account: Account | None  # None: an account the user may not see (its name is not shown)
    is_current: bool = False
    is_ancestor: bool = False


@dataclass
class Family:
    nodes: list[FamilyNode]  # depth-first, children by name: an indented tree
    ancestors: list[Account]  # root first, visible ones only
    descendant_ids: list[int]  # the live subtree of the current account (itself first) the user may see
    is_truncated: bool = False
    children: dict[int, list[int]] = field(default_factory=dict)

    @property
    def has_family(self) -> bool:
        return len(self.nodes) > 1


def _family_rows(account_id: int, parent_id: int | None) -> list[tuple[int, int | None, int]]:
    """(id, parent_id, depth below the root) of the live accounts of the family of `account_id`: up to the
    highest live ancestor, then down from it a level at a time (one indexed query per level; a lone account costs
    one query). Not one recursive CTE: SQLite plans each recursive step as a join and builds a Bloom filter over
    the whole accounts table for it (~15 ms per step at 50,000 accounts, even for a family of one)."""
    table = connection.ops.quote_name(Account._meta.db_table)
    # only the table name (quoted by the backend) is interpolated; every value is a parameter
    parent_sql = f"SELECT id, parent_id FROM {table} WHERE id = %s AND deleted_at IS NULL"  # noqa: S608
    with connection.cursor() as cursor:
        root, root_parent, seen = account_id, parent_id, {account_id}
        for _level in range(MAX_DEPTH):
            if root_parent is None or root_parent in seen:
                break
            cursor.execute(parent_sql, [root_parent])
            found = cursor.fetchone()
            if found is None:  # a deleted ancestor ends the chain
                break
            root, root_parent = int(found[0]), found[1]
            seen.add(root)
        rows: list[tuple[int, int | None, int]] = [(root, root_parent, 0)]
        level, placed = [root], {root}
        for depth in range(1, MAX_DEPTH * 2 + 1):
            room = MAX_NODES * 4 - len(rows)
            if not level or room <= 0:
                break
            marks = ", ".join(["%s"] * len(level))
            cursor.execute(
                f"SELECT id, parent_id FROM {table} WHERE parent_id IN ({marks}) AND deleted_at IS NULL "  # noqa: S608
                f"LIMIT {int(room)}",
                level,
            )
            level = []
            for pk, parent in cursor.fetchall():
                if pk not in placed:
                    placed.add(pk)
                    level.append(int(pk))
                    rows.append((int(pk), parent, depth))
        return rows


def account_family(*, user: Any, account: Account) -> Family:
    """The family tree around `account`: its ancestors, itself and every subsidiary level (a query per level,
    and one for the names the user may see)."""
    rows = _family_rows(account.pk, account.parent_id)
    by_id = {pk: (parent_id, depth) for pk, parent_id, depth in rows}
    if account.pk not in by_id:  # a deleted account (restored pages) or a cut chain: only itself
        by_id = {account.pk: (None, 0)}
    visible = {
        a.pk: a
        for a in Account.objects.visible_to(user)
        .filter(pk__in=list(by_id))
        .only("id", "name", "parent_id", "account_type", "status", "owner_id")
    }
    visible[account.pk] = account
    children: dict[int, list[int]] = {}
    root = None
    for pk, (parent_id, _depth) in by_id.items():
        if parent_id in by_id and pk != parent_id:
            children.setdefault(parent_id, []).append(pk)
        elif root is None or _depth < by_id[root][1]:
            root = pk
    assert root is not None

    def sort_key(pk: int) -> tuple[int, str, int]:
        node = visible.get(pk)
        return (node is None, node.name.lower() if node else "", pk)

    for kids in children.values():
        kids.sort(key=sort_key)
    ancestor_ids: list[int] = []
    cursor = by_id[account.pk][0]
    while cursor in by_id and cursor not in ancestor_ids:
        ancestor_ids.insert(0, cursor)
        cursor = by_id[cursor][0]
    nodes: list[FamilyNode] = []
    stack = [(root, 0)]
    truncated = False
    seen: set[int] = set()
    while stack:
        pk, depth = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        if len(nodes) >= MAX_NODES:
            truncated = True
            break
        nodes.append(
            FamilyNode(
                pk=pk,
                parent_id=by_id[pk][0],
                depth=depth,
                account=visible.get(pk),
                is_current=pk == account.pk,
                is_ancestor=pk in ancestor_ids,
            )
        )
        stack.extend((kid, depth + 1) for kid in reversed(children.get(pk, [])))
    subtree = [account.pk]
    for pk in subtree:  # grows while it is walked: breadth-first
        subtree.extend(k for k in children.get(pk, []) if k not in subtree)
    return Family(
        nodes=nodes,
        ancestors=[visible[pk] for pk in ancestor_ids if pk in visible],
        descendant_ids=[pk for pk in subtree if pk in visible],
        is_truncated=truncated,
        children=children,
    )


def account_rollups(*, user: Any, family: Family) -> list[RollupValue]:
    """The registered roll-ups over the visible subtree of the family's current account."""
    return rollup_values(user=user, account_ids=family.descendant_ids)


# --- built-in roll-ups ---------------------------------------------------------------------------------------
def rollup_subsidiaries(*, user: Any, account_ids: Sequence[int]) -> int:
    """Subsidiaries at every level below the account (the ids are already the visible subtree)."""
    return max(0, len(account_ids) - 1)


def rollup_contacts(*, user: Any, account_ids: Sequence[int]) -> int:
    """Distinct people the user may see who belong to any account of the subtree."""
    scope = scope_q(user, "contacts.contact", "view", "contact__owner")
    if scope is None or not account_ids:
        return 0
    return (
        ContactAccount.objects.filter(
            scope, account_id__in=list(account_ids), contact__deleted_at__isnull=True
        )
        .values("contact_id")
        .distinct()
        .count()
    )


# --- typed links -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkItem:
    link_id: int
    label: str
    other: Any  # the account or contact at the other end
    note: str = ""


def _group(items: list[LinkItem]) -> list[tuple[str, list[LinkItem]]]:
    groups: dict[str, list[LinkItem]] = {}
    for item in items:
        groups.setdefault(item.label, []).append(item)
    return [
        (label, sorted(rows, key=lambda i: str(i.other).lower())) for label, rows in sorted(groups.items())
    ]


def account_links(*, user: Any, account: Account, limit: int = 200) -> list[tuple[str, list[LinkItem]]]:
    """The account's typed links grouped by how they read from this account ("Distributor of", "Distributed
    by", …); links to accounts the user may not see, or in the recycle bin, are left out. Two queries."""
    scope = scope_q(user, "contacts.account", "view", "to_account__owner")
    items: list[LinkItem] = []
    if scope is not None:
        for link in (
            AccountLink.objects.filter(scope, from_account=account, to_account__deleted_at__isnull=True)
            .select_related("to_account")
            .order_by("id")[:limit]
        ):
            label = str(AccountLinkType(link.link_type).label)
            items.append(LinkItem(link_id=link.pk, label=label, other=link.to_account, note=link.note))
    scope = scope_q(user, "contacts.account", "view", "from_account__owner")
    if scope is not None:
        for link in (
            AccountLink.objects.filter(scope, to_account=account, from_account__deleted_at__isnull=True)
            .select_related("from_account")
            .order_by("id")[:limit]
        ):
            label = str(ACCOUNT_LINK_INVERSE[AccountLinkType(link.link_type)])
            items.append(LinkItem(link_id=link.pk, label=label, other=link.from_account, note=link.note))
    return _group(items)


def contact_links(*, user: Any, contact: Contact, limit: int = 200) -> list[tuple[str, list[LinkItem]]]:
    scope = scope_q(user, "contacts.contact", "view", "to_contact__owner")
    items: list[LinkItem] = []
    if scope is not None:
        for link in (
            ContactLink.objects.filter(scope, from_contact=contact, to_contact__deleted_at__isnull=True)
            .select_related("to_contact")
            .order_by("id")[:limit]
        ):
            label = str(ContactLinkType(link.link_type).label)
            items.append(LinkItem(link_id=link.pk, label=label, other=link.to_contact))
    scope = scope_q(user, "contacts.contact", "view", "from_contact__owner")
    if scope is not None:
        for link in (
            ContactLink.objects.filter(scope, to_contact=contact, from_contact__deleted_at__isnull=True)
            .select_related("from_contact")
            .order_by("id")[:limit]
        ):
            label = str(CONTACT_LINK_INVERSE[ContactLinkType(link.link_type)])
            items.append(LinkItem(link_id=link.pk, label=label, other=link.from_contact))
    return _group(items)


def _either_side(user: Any, object_type: str, a: str, b: str) -> Q | None:
    left = scope_q(user, object_type, "view", f"{a}__owner")
    right = scope_q(user, object_type, "view", f"{b}__owner")
    if left is None or right is None:
        return left if right is None else right
    if not left or not right:  # an empty Q: everything is visible
        return Q()
    return left | right


def account_link_get(*, user: Any, pk: int | str) -> AccountLink:
    """A link the user may see (one of its two accounts is visible to them)."""
    scope = _either_side(user, "contacts.account", "from_account", "to_account")
    link = None
    if scope is not None:
        try:
            link = (
                AccountLink.objects.filter(scope, pk=int(pk))
                .select_related("from_account", "to_account")
                .first()
            )
        except (TypeError, ValueError):
            link = None
    if link is None:
        raise RecordNotFound()
    return link


def contact_link_get(*, user: Any, pk: int | str) -> ContactLink:
    scope = _either_side(user, "contacts.contact", "from_contact", "to_contact")
    link = None
    if scope is not None:
        try:
            link = (
                ContactLink.objects.filter(scope, pk=int(pk))
                .select_related("from_contact", "to_contact")
                .first()
            )
        except (TypeError, ValueError):
            link = None
    if link is None:
        raise RecordNotFound()
    return link


def account_hierarchy(*, user: Any, account: Account) -> dict[str, Any]:
    """The family as data (the API's GET …/hierarchy): nested nodes from the root, hidden accounts as
    {"id": null, "name": null} placeholders so the shape stays true without leaking names."""
    family = account_family(user=user, account=account)
    by_pk = {n.pk: n for n in family.nodes}

    def build(pk: int) -> dict[str, Any]:
        node = by_pk[pk]
        visible = node.account is not None
        return {
            "id": pk if visible else None,
            "name": node.account.name if node.account is not None else None,
            "account_type": node.account.account_type if node.account is not None else None,
            "is_current": node.is_current,
            "children": [build(k) for k in family.children.get(pk, []) if k in by_pk],
        }

    root = family.nodes[0].pk
    return {"root": build(root), "is_truncated": family.is_truncated}


def account_link_rows(ids: Sequence[int]) -> list[AccountLink]:
    return list(AccountLink.objects.filter(pk__in=list(ids)))


def contact_link_rows(ids: Sequence[int]) -> list[ContactLink]:
    return list(ContactLink.objects.filter(pk__in=list(ids)))
