"""User HTML (note and activity bodies): sanitised with nh3 to a small set of formatting tags.

Stored bodies are cleaned when written; the timeline cleans again when it renders (cheap, and it covers rows
written by older code or imported directly).
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "h3",
        "h4",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MAX_BODY_CHARS = 50_000


def body_clean(value: str | None) -> str:
    """Sanitised HTML: scripts, styles, event handlers and unknown tags removed; links open safely.

    Plain text (no tags at all) is turned into paragraphs so line breaks survive.
    """
    text = (value or "").strip()
    if not text:
        return ""
    if "<" not in text:
        text = linebreaks(escape(text))
    cleaned: str = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def body_render(value: str | None) -> SafeString:
    """Sanitise and mark safe for templates."""
    return mark_safe(body_clean(value))


def body_excerpt(value: str | None, length: int = 160) -> str:
    """Plain text, for one-line previews."""
    plain = html.unescape(nh3.clean(value or "", tags=set()))
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"


_WHITESPACE = re.compile(r"\s+")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|h3|h4|blockquote|pre|ul|ol)\s*>|<hr\s*/?>", re.IGNORECASE)
_ITEM_START = re.compile(r"<li(?:\s[^>]*)?>", re.IGNORECASE)
_ITEM_END = re.compile(r"</li\s*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


def body_to_text(value: str | None) -> str:
    """Stored HTML → plain text for a textarea: a blank line between paragraphs, ``<br>`` → a line break,
    list items as "- " lines, no tags. `text_to_body` turns it back into paragraphs."""
    text = _WHITESPACE.sub(" ", value or "")
    text = _BREAK.sub("\n", text)
    text = _ITEM_START.sub("\n- ", text)
    text = _ITEM_END.sub("", text)
    text = _BLOCK_END.sub("\n\n", text)
    plain = html.unescape(nh3.clean(text, tags=set()))
    lines = [line.strip() for line in plain.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_to_body(value: str | None) -> str:
    """Plain text from a textarea → HTML paragraphs (blank lines split paragraphs, line breaks → ``<br>``).

    The text is escaped: what the user typed is shown as typed, "<" included."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return linebreaks(escape(text)) if text else ""
