"""The crm_ui template tags render real, locale-aware output in English and Spanish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


def render(source: str, language: str = "en", **context: object) -> str:
    with translation.override(language):
        return Template("{% load crm_ui %}" + source).render(Context(context)).strip()


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


# --- money and numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "€1,234.56"), ("es", "1.234,56\xa0€")],
)
def test_money_formats_euros_in_the_active_language(language: str, expected: str) -> None:
    assert render("{% money value 'EUR' %}", language, value=Decimal("1234.56")) == expected


def test_money_uses_each_currency_symbol_and_rounds_to_its_digits() -> None:
    assert render("{% money 98000 'USD' %}", "en") == "$98,000.00"
    assert render("{% money 98000 'USD' %}", "es") == "98.000,00\xa0US$"
    assert render("{% money 1500 'JPY' %}", "en") == "¥1,500"


def test_money_defaults_to_the_configured_currency(settings: object) -> None:
    settings.DEFAULT_CURRENCY = "EUR"  # type: ignore[attr-defined]
    assert render("{% money 10 %}", "en") == "€10.00"


def test_money_of_nothing_is_a_dash() -> None:
    assert render("{% money None 'EUR' %}", "en") == "—"
    assert render("{% money '' 'EUR' %}", "es") == "—"


def test_money_can_be_stored_in_a_variable() -> None:
    assert render("{% money 5 'EUR' as total %}[{{ total }}]", "en") == "[€5.00]"


@pytest.mark.parametrize(("language", "expected"), [("en", "12,345"), ("es", "12.345")])
def test_number_groups_thousands_in_the_active_language(language: str, expected: str) -> None:
    assert render("{% number 12345 %}", language) == expected


def test_number_with_fixed_decimals() -> None:
    assert render("{% number 1234.5 2 %}", "en") == "1,234.50"
    assert render("{% number 1234.5 2 %}", "es") == "1.234,50"


def test_percent_of_a_ratio_and_of_a_0_to_100_value() -> None:
    assert render("{% percent 0.256 %}", "en") == "26%"
    assert render("{% percent 64 scale=100 %}", "es") == "64\xa0%"


# --- dates -------------------------------------------------------------------------------------------------


def test_reldate_past_in_english_with_the_exact_date_on_hover(frozen_now: dt.datetime) -> None:
    html = render("{% reldate value %}", "en", value=frozen_now - dt.timedelta(days=3, hours=2))
    assert html == (
        '<time class="reldate" datetime="2025-03-07T10:00:00+00:00" title="March 7, 2025, 10 a.m.">3\xa0days ago</time>'
    )


def test_reldate_past_in_spanish(frozen_now: dt.datetime) -> None:
    html = render("{% reldate value %}", "es", value=frozen_now - dt.timedelta(days=3, hours=2))
    assert ">hace 3\xa0días</time>" in html
    assert 'title="7 de marzo de 2025 a las 10:00"' in html


def test_reldate_future_in_both_languages(frozen_now: dt.datetime) -> None:
    value = frozen_now + dt.timedelta(days=2, hours=1)
    assert ">2\xa0days from now</time>" in render("{% reldate value %}", "en", value=value)
    assert ">2\xa0días desde ahora</time>" in render("{% reldate value %}", "es", value=value)


def test_reldate_minutes_and_hours(frozen_now: dt.datetime) -> None:
    assert ">5\xa0minutes ago<" in render("{% reldate v %}", "en", v=frozen_now - dt.timedelta(minutes=5))
    assert ">hace 5 minutos<" in render("{% reldate v %}", "es", v=frozen_now - dt.timedelta(minutes=5))
    assert ">2\xa0hours from now<" in render(
        "{% reldate v %}", "en", v=frozen_now + dt.timedelta(hours=2, minutes=3)
    )
    assert ">now<" in render("{% reldate v %}", "en", v=frozen_now - dt.timedelta(seconds=10))
    assert ">ahora<" in render("{% reldate v %}", "es", v=frozen_now - dt.timedelta(seconds=10))


def test_reldate_keeps_one_unit_only(frozen_now: dt.datetime) -> None:
    assert ">1\xa0year ago<" in render("{% reldate v %}", "en", v=frozen_now - dt.timedelta(days=430))


def test_reldate_of_a_date_says_today_yesterday_tomorrow(frozen_now: dt.datetime) -> None:
    today = dt.date(2025, 3, 10)
    assert ">today<" in render("{% reldate v %}", "en", v=today)
    assert ">yesterday<" in render("{% reldate v %}", "en", v=today - dt.timedelta(days=1))
    assert ">mañana<" in render("{% reldate v %}", "es", v=today + dt.timedelta(days=1))
    html = render("{% reldate v %}", "es", v=today - dt.timedelta(days=4))
    assert 'datetime="2025-03-06"' in html
    assert 'title="6 de marzo de 2025"' in html
    assert ">hace 4\xa0días<" in html


def test_reldate_of_nothing_is_a_dash() -> None:
    assert render("{% reldate None %}") == "—"


# --- people, badges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (SimpleNamespace(full_name="Ana María López", email="ana@example.com"), "AL"),
        (SimpleNamespace(full_name="Prince", email="p@example.com"), "PR"),
        (SimpleNamespace(full_name="", email="jane.doe@example.com"), "JD"),
        (None, "?"),
    ],
)
def test_initials(user: object, expected: str) -> None:
    assert render("{% initials user %}", user=user) == expected


def test_avatar_with_name_and_unassigned() -> None:
    user = SimpleNamespace(pk=7, full_name="Lucía Fernández", email="lucia@example.com")
    html = render("{% avatar user show_name=True %}", user=user)
    assert 'class="person"' in html
    assert ">LF</span>" in html
    assert '<span class="person__name">Lucía Fernández</span>' in html
    assert render("{% avatar None show_name=True empty='Unassigned' %}") == (
        '<span class="text-subtle">Unassigned</span>'
    )


def test_avatar_colour_is_stable_per_user() -> None:
    user = SimpleNamespace(pk=7, full_name="Lucía Fernández", email="lucia@example.com")
    assert render("{% avatar user %}", user=user) == render("{% avatar user %}", user=user)


def test_badge_variants_and_escaping() -> None:
    assert render("{% badge 'Won' 'success' %}") == '<span class="badge badge--success">Won</span>'
    assert render("{% badge label 'bogus' %}", label="<b>x</b>") == (
        '<span class="badge badge--neutral">&lt;b&gt;x&lt;/b&gt;</span>'
    )
    assert "badge__dot" in render("{% badge 'Open' 'info' dot=True %}")


# --- querystrings and sorting ------------------------------------------------------------------------------


def _with_request(query: str) -> dict[str, object]:
    return {"request": RequestFactory().get("/accounts/?" + query)}


def test_qs_replace_changes_one_key_and_keeps_the_rest() -> None:
    html = render("{% qs_replace 'sort' '-name' %}", **_with_request("q=acme&sort=name&status=open"))
    assert html == "?q=acme&amp;sort=-name&amp;status=open"


def test_qs_replace_removes_keys_given_none_and_adds_new_ones() -> None:
    html = render("{% qs_replace cursor=None page_size=50 %}", **_with_request("q=a+b&cursor=xyz"))
    assert html == "?q=a+b&amp;page_size=50"


def test_qs_replace_of_an_empty_query_returns_a_bare_question_mark() -> None:
    assert render("{% qs_replace 'cursor' None %}", **_with_request("cursor=abc")) == "?"


def test_sort_th_shows_direction_and_toggles_it() -> None:
    html = render("{% sort_th 'name' 'Name' %}", **_with_request("sort=name&cursor=abc&q=x"))
    assert 'aria-sort="ascending"' in html
    assert 'href="?sort=-name&amp;q=x"' in html
    html = render("{% sort_th 'name' 'Name' %}", **_with_request("sort=-name"))
    assert 'aria-sort="descending"' in html
    assert 'href="?sort=name"' in html


def test_sort_th_unsorted_column_and_first_direction() -> None:
    html = render("{% sort_th 'amount' 'Amount' align='end' first='desc' %}", **_with_request("sort=name"))
    assert "aria-sort" not in html
    assert 'class="th-sort num"' in html
    assert 'href="?sort=-amount"' in html


# --- forms -------------------------------------------------------------------------------------------------


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the invoice.")
    due = forms.DateField(label="Due", required=False)
    agree = forms.BooleanField(label="I agree", required=False)
    channels = forms.MultipleChoiceField(
        label="Channels",
        choices=[("e", "E-mail"), ("p", "Phone")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_field_wires_label_help_and_error_with_aria_describedby() -> None:
    form = _Form({"name": ""})
    form.is_valid()
    html = render("{% field form.name %}", form=form)
    assert '<label class="field__label" for="id_name">Name' in html
    assert 'aria-describedby="id_name_error id_name_helptext"' in html
    assert 'aria-invalid="true"' in html
    assert '<p class="field__error" id="id_name_error">' in html
    assert "This field is required." in html
    assert '<p class="field__help" id="id_name_helptext">As on the invoice.</p>' in html


def test_field_renders_dates_as_native_pickers_with_iso_values() -> None:
    form = _Form(initial={"due": dt.date(2025, 3, 1)})
    html = render("{% field form.due %}", form=form)
    assert 'type="date"' in html
    assert 'value="2025-03-01"' in html


def test_field_renders_a_checkbox_after_its_box_and_choices_in_a_fieldset() -> None:
    form = _Form()
    html = render("{% field form.agree %}", form=form)
    assert html.index('type="checkbox"') < html.index('<label class="field__check-label" for="id_agree">')
    html = render("{% field form.channels %}", form=form)
    assert "<fieldset" in html and "<legend" in html


def test_get_item_filter() -> None:
    assert render("{{ d|get_item:'a' }}", d={"a": 1}) == "1"
    assert render("{{ d|get_item:'a' }}", d=None) == "None"


# --- contact data: phones, breakable e-mails ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+34912345678", "+34 912 34 56 78"),
        ("+442071838750", "+44 20 7183 8750"),
        ("+1 650 253 0000", "+1 650-253-0000"),
        ("912 345 678", "912 345 678"),  # no country code: shown as typed
        ("call reception", "call reception"),
        (None, ""),
    ],
)
def test_phone_shows_the_international_format(stored: str | None, shown: str) -> None:
    assert render("{{ n|phone }}", n=stored) == shown


def test_phone_e164_is_the_dialable_form_for_tel_links() -> None:
    assert render('<a href="tel:{{ n|phone_e164 }}">{{ n|phone }}</a>', n="+34 912 34 56 78") == (
        '<a href="tel:+34912345678">+34 912 34 56 78</a>'
    )
    assert render("{{ n|phone_e164 }}", n="912 345 678") == "912345678"


def test_breakable_lets_emails_wrap_at_the_at_sign_and_dots_and_escapes() -> None:
    assert render("{{ e|breakable }}", e="ana.lopez@acme.example") == "ana<wbr>.lopez@<wbr>acme<wbr>.example"
    assert render("{{ e|breakable }}", e="<b>@x") == "&lt;b&gt;@<wbr>x"
    assert render("{{ e|breakable }}", e="") == ""


def test_pagination_draws_nothing_for_a_single_uncounted_page() -> None:
    request = RequestFactory().get("/users/")
    single = Template('{% include "ui/components/pagination.html" with next_cursor="" %}')
    more = Template('{% include "ui/components/pagination.html" with next_cursor="abc" %}')
    counted = Template('{% include "ui/components/pagination.html" with next_cursor="" count=3 shown=3 %}')

    assert "pager" not in single.render(Context({"request": request}))
    assert 'rel="next"' in more.render(Context({"request": request}))
    assert "Showing 3 of 3" in counted.render(Context({"request": request}))


def test_list_toolbar_labels_date_filters_visibly_and_selects_for_screen_readers() -> None:
    class Filters(forms.Form):
        kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds")])
        since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    request = RequestFactory().get("/activities/")
    html = Template('{% include "ui/components/list_toolbar.html" with filter_form=form %}').render(
        Context({"request": request, "form": Filters()})
    )

    assert '<span class="sr-only">Kind</span>' in html
    assert '<span class="toolbar__filter-label">From</span>' in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_relative_and_exact_dates_match_djangos_own_formatting(language: str) -> None:
    """The memoised phrases and pre-split formats say exactly what humanize/date_format say, both ways in time."""
    from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
    from django.utils.formats import date_format
    from django.utils.timesince import timesince, timeuntil

    from crm.core.ui import formats

    now = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
    strings = NaturalTimeFormatter.time_strings
    with translation.override(language):
        for minutes in [*range(1, 200, 7), *range(1440, 1440 * 800, 2713)]:
            for sign in (-1, 1):
                value = now + sign * dt.timedelta(minutes=minutes, seconds=11)
                delta = abs(value - now)
                if delta.days:
                    if sign < 0:
                        past = timesince(
                            value, now, time_strings=NaturalTimeFormatter.past_substrings, depth=1
                        )
                        expected = str(strings["past-day"]) % {"delta": past}
                    else:
                        future = timeuntil(
                            value, now, time_strings=NaturalTimeFormatter.future_substrings, depth=1
                        )
                        expected = str(strings["future-day"]) % {"delta": future}
                elif delta.seconds < 3600:
                    expected = str(
                        strings[f"{'past' if sign < 0 else 'future'}-minute"] % {"count": delta.seconds // 60}
                    )
                else:
                    expected = str(
                        strings[f"{'past' if sign < 0 else 'future'}-hour"] % {"count": delta.seconds // 3600}
                    )
                assert formats.format_relative(value, now=now) == expected
                assert formats.format_exact(value) == date_format(
                    timezone.localtime(value), "DATETIME_FORMAT"
                )
                assert formats.format_exact(value.date()) == date_format(value.date(), "DATE_FORMAT")
