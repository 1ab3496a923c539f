"""`Idempotency-Key` on every POST: a retried request gets the first answer instead of doing the work twice.

The first request with a key stores (user, key, method, path, SHA-256 of the body) before it runs, and its answer
after. A replay within 24 hours returns the stored answer with `Idempotent-Replayed: true`; the same key with a
different request is a 422; a replay while the first is still running is a 409. A unique constraint on
(user, key) makes concurrent duplicates safe: only one of them runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.api.errors import IdempotencyInProgress, IdempotencyKeyReused, domain_problem
from crm.core.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = dt.timedelta(hours=24)
STALE_AFTER = dt.timedelta(minutes=2)  # a first request that never finished (crash) frees its key after this
MAX_KEY_LENGTH = 255
NOT_STORED = frozenset({401, 403, 409, 429})  # answers that depend on who/when, not on the request


def _request_hash(request: HttpRequest) -> str:
    return hashlib.sha256(request.body).hexdigest()


def idempotency_begin(
    *, user: Any, key: str, method: str, path: str, request_hash: str
) -> tuple[IdempotencyKey | None, HttpResponse | None]:
    """Claim `key` for this request → (record, None); or (None, the answer to give instead)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                method=method,
                path=path,
                request_hash=request_hash,
                created_at=now,
                expires_at=now + TTL,
            )
        return record, None
    except IntegrityError:
        pass
    with transaction.atomic():
        existing = IdempotencyKey.objects.select_for_update().filter(user=user, key=key).first()
        if existing is None:  # purged in between: try once more
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                method=method,
                path=path,
                request_hash=request_hash,
                created_at=now,
                expires_at=now + TTL,
            )
            return record, None
        expired = existing.expires_at <= now
        stale = existing.status_code is None and existing.created_at <= now - STALE_AFTER
        if expired or stale:
            existing.method, existing.path, existing.request_hash = method, path, request_hash
            existing.status_code, existing.response_body, existing.content_type, existing.location = (
                None,
                "",
                "",
                "",
            )
            existing.created_at, existing.expires_at = now, now + TTL
            existing.save()
            return existing, None
    if (existing.method, existing.path, existing.request_hash) != (method, path, request_hash):
        return None, domain_problem(
            IdempotencyKeyReused(
                _("This Idempotency-Key was already used for a different request."),
                field_errors={HEADER: [_("Use a new key for a new request.")]},
            ),
        )
    if existing.status_code is None:
        return None, domain_problem(
            IdempotencyInProgress(_("A request with this Idempotency-Key is still being processed.")),
        )
    replay = HttpResponse(
        existing.response_body.encode(),
        status=existing.status_code,
        content_type=existing.content_type or None,
    )
    if existing.location:
        replay["Location"] = existing.location
    replay[REPLAYED_HEADER] = "true"
    return None, replay


def idempotency_finish(*, record: IdempotencyKey, response: HttpResponseBase) -> None:
    """Store the answer; or free the key when the answer should not be replayed (server errors, auth)."""
    status = response.status_code
    if status >= 500 or status in NOT_STORED or not isinstance(response, HttpResponse):
        IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()
        return
    IdempotencyKey.objects.filter(pk=record.pk).update(
        status_code=status,
        response_body=response.content.decode("utf-8", errors="replace"),
        content_type=response.get("Content-Type", ""),
        location=response.get("Location", ""),
    )


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Delete expired keys (the worker may call this periodically; expired keys are also reused on demand)."""
    deleted, _detail = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def idempotent(
    resolve_user: Callable[[HttpRequest], Any],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A ninja "view" decorator (wraps the whole operation, auth included) honouring `Idempotency-Key`."""

    def decorator(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = (request.headers.get(HEADER) or "").strip()
            if request.method != "POST" or not key:
                return run(request, *args, **kwargs)
            if len(key) > MAX_KEY_LENGTH:
                return domain_problem(
                    IdempotencyKeyReused(
                        _("The Idempotency-Key is too long."),
                        field_errors={HEADER: [_("Use at most %(n)s characters.") % {"n": MAX_KEY_LENGTH}]},
                    ),
                )
            user = resolve_user(request)
            if user is None:  # not authenticated: let the operation answer 401
                return run(request, *args, **kwargs)
            record, answer = idempotency_begin(
                user=user,
                key=key,
                method=request.method,
                path=request.path,
                request_hash=_request_hash(request),
            )
            if answer is not None:
                return answer
            assert record is not None
            try:
                response = run(request, *args, **kwargs)
            except BaseException:
                IdempotencyKey.objects.filter(pk=record.pk).delete()
                raise
            idempotency_finish(record=record, response=response)
            return response

        return wrapper

    return decorator
