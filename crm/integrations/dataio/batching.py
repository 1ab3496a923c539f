"""The import's file rows in checked batches, with the next batch read and checked while the last one is written.

Reading and checking a batch is Python work; writing it is mostly the database's (PostgreSQL's backend, or
SQLite's engine, which runs without Python's lock). A reader thread runs one batch ahead of the writer, so the two
overlap instead of taking turns. Only the reader touches the file and the pipeline; only the writer touches the
database. Batches come out in file order, and the batch boundaries, duplicate checks and messages are exactly those
of reading in turn (the reader is the same generator, run elsewhere).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from crm.integrations.dataio.pipeline import Pipeline, RowResult


@dataclass
class Batch:
    rows: list[RowResult]
    first: int  # data row index of the first row of the batch (0-based)
    next_cursor: int  # data row index after the batch: where a resumed import starts


def batches(
    pipeline: Pipeline, rows: Iterator[tuple[int, list[Any] | None]], *, cursor: int, batch_size: int
) -> Iterator[Batch]:
    """Checked batches of `batch_size` rows from data row `cursor`; earlier rows only teach the duplicate check."""
    batch = Batch(rows=[], first=cursor, next_cursor=cursor)
    index = -1
    for index, (row_no, cells) in enumerate(rows):
        if index < cursor:
            pipeline.remember(row_no, cells)
            continue
        batch.rows.append(pipeline.row(row_no, cells))
        if len(batch.rows) >= batch_size:
            batch.next_cursor = index + 1
            yield batch
            batch = Batch(rows=[], first=index + 1, next_cursor=index + 1)
    if batch.rows:
        batch.next_cursor = index + 1
        yield batch


_ITEM, _END, _ERROR = "item", "end", "error"


class _Reader:
    """Runs `source` in a thread, at most one item ahead of the consumer; errors are raised to the consumer."""

    def __init__(self, source: Iterator[Any]) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._language = translation.get_language()  # messages in the language of the run (thread-local)
        self._thread = threading.Thread(target=self._run, args=(source,), name="import-reader", daemon=True)
        self._thread.start()

    def _put(self, message: tuple[str, Any]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, source: Iterator[Any]) -> None:
        try:
            with translation.override(self._language):
                for item in source:
                    if not self._put((_ITEM, item)):
                        return
            self._put((_END, None))
        except BaseException as exc:  # handed to the consumer, which decides
            self._put((_ERROR, exc))

    def __iter__(self) -> Iterator[Any]:
        while True:
            kind, value = self._queue.get()
            if kind == _ITEM:
                yield value
            elif kind == _END:
                return
            else:
                raise value

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def read_ahead(source: Iterator[Any], *, enabled: bool = True) -> Iterator[Iterator[Any]]:
    """`source`, produced one item ahead in a thread (`enabled`), or in turn. The thread has stopped on exit, so
    whatever `source` reads from may be closed after the block."""
    if not enabled:
        yield source
        return
    reader = _Reader(source)
    try:
        yield iter(reader)
    finally:
        reader.close()
