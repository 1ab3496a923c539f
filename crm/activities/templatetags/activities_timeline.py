"""`{% timeline_entry entry %}`: one timeline `<li>`, drawn in Python.

A record page's timeline draws 25–100 entries; as a template partial each one resolved some sixty variables and
tags, which was half of the timeline's time. The markup is the one the partial had; meetings still draw their
attendees with `activities/_attendees.html` (it needs the prefetched attendee lists).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from crm.core.records import record_url
from crm.core.ui.templatetags.crm_ui import avatar, badge, html_text, icon, reldate

register = template.Library()


@register.simple_tag(takes_context=True)
def timeline_entry(context: template.Context, entry: Any) -> SafeString:
    obj = entry.obj
    is_done = bool(getattr(obj, "is_done", False))
    classes = f"feed__item tl-entry tl-entry--{escape(entry.source)}" + (" is-done" if is_done else "")
    tone = f" feed__icon--{escape(entry.tone)}" if entry.tone else ""
    title = html_text(entry.title)
    head: list[str] = []
    if entry.is_task:
        done_label = escape(_("Done: %(title)s") % {"title": entry.title})
        action = record_url("activities:activity_complete", entry.id)
        object_type = escape(str(context.get("object_type", "")))
        head.append(
            f'<input type="checkbox" class="tl-entry__check" name="is_done" value="1"'
            f"{' checked' if is_done else ''}{'' if entry.can_change else ' disabled'}"
            f' aria-label="{done_label}" hx-post="{action}" hx-vals=\'{{"from": "{object_type}"}}\''
            ' hx-target="closest li" hx-swap="outerHTML">'
        )
    if entry.link:
        head.append(
            f'<p class="feed__title"><a class="tl-entry__title" href="{escape(entry.link)}">{title}</a></p>'
        )
    else:
        head.append(f'<p class="feed__title"><span class="tl-entry__title">{title}</span></p>')
    if entry.is_task and getattr(obj, "is_overdue", False):
        head.append(str(badge(_("Overdue"), "danger")))
    parts = [
        f'<li class="{classes}" id="tl-{escape(entry.source)}-{entry.id}">',
        f'<span class="feed__icon{tone}">{icon(entry.icon, 16, "micro")}</span>',
        '<div class="feed__body"><div class="tl-entry__head">',
        *head,
        "</div>",
    ]
    if entry.meta:
        parts.append(f'<p class="tl-entry__meta">{html_text(entry.meta)}</p>')
    if entry.kind == "meeting":
        parts.append(render_to_string("activities/_attendees.html", {"activity": obj}))
    if entry.body:
        parts.append(f'<div class="feed__content tl-entry__text">{html_text(entry.body)}</div>')
    foot: list[str] = []
    if entry.source == "activities" and entry.actor:
        foot.append(f'{avatar(entry.actor, "xs", show_name=True)}<span aria-hidden="true">·</span>')
    if entry.is_task and getattr(obj, "due_at", None):
        foot.append(f"<span>{escape(_('Due'))} {reldate(entry.at)}</span>")
    else:
        foot.append(str(reldate(entry.at)))
    channel_title = escape(_("Channel"))
    foot.append(
        f'<span aria-hidden="true">·</span><span class="tl-entry__channel" title="{channel_title}">'
        f"{icon(entry.channel_icon, 14, 'micro')}{html_text(entry.channel_label)}</span>"
    )
    parts.append(f'<p class="feed__meta tl-entry__foot">{"".join(foot)}</p></div></li>')
    return mark_safe("".join(parts))  # every value above is escaped; the body is sanitised HTML
