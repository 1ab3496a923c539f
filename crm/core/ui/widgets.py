"""Form widgets of the design system.

``RecordPicker`` replaces a ``<select>`` of records when there may be millions of them: a search-as-you-type
combobox that asks ``options_url`` (``GET ?q=…&selected=…``, answered with
``ui/components/record_picker_options.html``) and posts the chosen id in a hidden input named like the field.
Use it on an ``IntegerField`` and resolve the id through the owning app's permission-scoped selector::

    parent = forms.IntegerField(required=False, min_value=1,
                                widget=RecordPicker(options_url=reverse_lazy("contacts:account_picker_options")))

The label of the current value is not looked up by the widget (that would be a query per field): the view
passes it in ``labels`` ({id: label}); after a failed POST the label the browser showed is redisplayed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.functional import Promise

LABEL_SUFFIX = "_label"


class RecordPicker(forms.Widget):
    template_name = "ui/components/record_picker.html"

    def __init__(
        self,
        *,
        options_url: str | Promise,
        placeholder: str | Promise = "",
        labels: Mapping[Any, str] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.options_url = options_url
        self.placeholder = placeholder
        self.labels: dict[str, str] = {str(k): v for k, v in (labels or {}).items()}
        self.posted_label = ""

    def set_labels(self, labels: Mapping[Any, str]) -> None:
        self.labels = {str(k): str(v) for k, v in labels.items()}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.posted_label = str(data.get(name + LABEL_SUFFIX) or "")[:300]
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def format_value(self, value: Any) -> str:
        return "" if value in (None, "") else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        current = widget["value"]
        input_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = input_id
        widget["attrs"].pop(
            "required", None
        )  # the hidden value is what counts; the form reports a missing one
        widget.update(
            {
                "label": self.labels.get(current) or (self.posted_label if current else ""),
                "label_name": name + LABEL_SUFFIX,
                "listbox_id": f"{input_id}_listbox",
                "options_url": str(self.options_url),
                "placeholder": str(self.placeholder),
            }
        )
        return context
