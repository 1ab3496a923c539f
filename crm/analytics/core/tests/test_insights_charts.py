"""Per-account figures (upsert, stale scores cleared) and the SVG charts (escaped, drill-down links)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm.analytics.core.charts import Bar, Series, bar_chart, curve_chart, heatmap, line_chart, nice_ticks
from crm.analytics.core.models import CustomerInsight
from crm.analytics.core.services import customer_insights_write
from crm.contacts.tests.factories import AccountFactory


@pytest.mark.django_db
def test_insights_upsert_and_clear_accounts_no_longer_scored() -> None:
    a, b, c = AccountFactory(), AccountFactory(), AccountFactory()
    CustomerInsight.objects.create(account=c, clv=Decimal("5.00"))  # another analysis' figure stays
    written = customer_insights_write(
        columns=["abc_class", "revenue"],
        rows=[(a.pk, "A", Decimal("100.00")), (b.pk, "C", Decimal("1.00")), (c.pk, "B", Decimal("10.00"))],
        computed_field="pareto_computed_at",
    )
    assert written == 3
    customer_insights_write(
        columns=["abc_class", "revenue"],
        rows=[(a.pk, "B", Decimal("90.00"))],
        computed_field="pareto_computed_at",
    )
    rows = {i.account_id: i for i in CustomerInsight.objects.all()}
    assert (rows[a.pk].abc_class, rows[a.pk].revenue) == ("B", Decimal("90.00"))
    assert (rows[b.pk].abc_class, rows[b.pk].revenue, rows[b.pk].pareto_computed_at) == ("", None, None)
    assert rows[c.pk].clv == Decimal("5.00") and rows[c.pk].abc_class == ""


@pytest.mark.django_db
def test_insights_write_refuses_unknown_columns_and_writes_nothing() -> None:
    a = AccountFactory()
    with pytest.raises(ValueError, match="nope"):
        customer_insights_write(columns=["nope"], rows=[(a.pk, 1)], computed_field="rfm_computed_at")
    assert not CustomerInsight.objects.exists()


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(5, 5)[0] <= 5 <= nice_ticks(5, 5)[-1]


def test_bar_chart_escapes_labels_and_links_each_bar() -> None:
    svg = bar_chart(
        [Bar(label="<b>Won</b>", value=3, url="/x/?a=1&b=2", display="3 deals"), Bar(label="Lost", value=1)],
        title="Deals & more",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "Deals &amp; more" in svg
    assert "&lt;b&gt;Won&lt;/b&gt;: 3 deals" in svg and "<b>" not in svg
    assert '<a href="/x/?a=1&amp;b=2">' in svg
    assert svg.count("<rect") == 2


def test_horizontal_bars_line_curve_and_heatmap_render_every_mark() -> None:
    assert bar_chart([Bar("a", 1), Bar("b", 2)], title="t", horizontal=True).count("<rect") == 2
    line = line_chart(labels=["Jan", "Feb", "Mar"], series=[Series("R", [1.0, None, 3.0])], title="t")
    assert line.count("<circle") == 2 and "M" in line
    curve = curve_chart(
        points=[(0, 0), (0.2, 0.8), (1, 1)],
        title="t",
        x_label="x",
        y_label="y",
        reference=[(0, 0), (1, 1)],
        marks=[(0.2, 0.8, "20% → 80%")],
    )
    assert "20% → 80%" in curve and curve.count("<path") == 2
    grid = heatmap(
        rows=["2026-01", "2026-02"], columns=["M0", "M1"], values=[[1.0, 0.4], [1.0, None]], title="t"
    )
    assert grid.count("<rect") == 3 and "40%" in grid
