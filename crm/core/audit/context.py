"""Who is acting, and through which door. Set by the edge (middleware, CLI, job), read by the audit."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from crm.core.audit.enums import Source


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None
    source: str = Source.SYSTEM
    reason: str = ""
    request_id: str = ""


_current: ContextVar[AuditContext] = ContextVar("crm_audit_context", default=AuditContext())  # noqa: B039


def audit_context_get() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_context(
    *, actor: Any = None, source: str | None = None, reason: str | None = None
) -> Iterator[AuditContext]:
    """Run a block as `actor` through `source`; unspecified parts are inherited from the outer block."""
    outer = _current.get()
    ctx = replace(
        outer,
        actor=actor if actor is not None else outer.actor,
        source=source or outer.source,
        reason=reason if reason is not None else outer.reason,
        request_id=outer.request_id or uuid.uuid4().hex,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def audit_actor_set(actor: Any) -> None:
    """Make `actor` the current context's actor without a with-block.

    For the API, which learns who is acting only after the request's context was opened (token authentication).
    The request's AuditContextMiddleware resets the context variable when the request ends.
    """
    outer = _current.get()
    _current.set(replace(outer, actor=actor, request_id=outer.request_id or uuid.uuid4().hex))
