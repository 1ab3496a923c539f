"""Domain events: frozen dataclasses published after the transaction commits.

A lower layer learns about higher ones only through these (DESIGN.md). Handlers subscribe in
`AppConfig.ready()`; they run after commit, in the same process, and should enqueue a task for slow work.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[[Any], None]
_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event: Any) -> None:
    for handler in list(_handlers.get(type(event), [])):
        try:
            handler(event)
        except Exception:
            logger.exception("event handler %r failed for %r", handler, event)


def publish_on_commit(event: Any) -> None:
    transaction.on_commit(lambda: publish(event))
