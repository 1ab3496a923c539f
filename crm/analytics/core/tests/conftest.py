from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm.analytics.core import registry
from crm.analytics.core.tests import runners


@pytest.fixture(autouse=True)
def test_analyses() -> Iterator[None]:
    saved = dict(registry._ANALYSES)
    runners.register()
    yield
    registry._ANALYSES.clear()
    registry._ANALYSES.update(saved)
