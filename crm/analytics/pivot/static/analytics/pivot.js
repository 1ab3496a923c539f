/* The pivot builder's filter rows: remove a row (then recompute), keep each row's error slot numbered by its
position (the server answers errors by position), focus a new row's field. Wired by data- attributes. */
(function () {
  "use strict";
  var doc = document;

  function renumber() {
    doc.querySelectorAll("[data-pivot-filter-rows]").forEach(function (box) {
      box.querySelectorAll("[data-pivot-filter-row]").forEach(function (row, i) {
        var slot = row.querySelector("[data-pivot-filter-error]");
        if (slot) slot.id = "pivot-filter-error-" + i;
      });
    });
  }

  doc.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-pivot-filter-remove]") : null;
    if (!button) return;
    var row = button.closest("[data-pivot-filter-row]");
    var form = button.closest("form");
    var box = row.parentNode;
    row.remove();
    renumber();
    var next = box.querySelector("[data-pivot-filter-row] select");
    if (next) next.focus();
    if (form) form.dispatchEvent(new Event("change", { bubbles: true })); // the result without that filter
  });

  doc.addEventListener("htmx:afterSettle", function (event) {
    renumber();
    var target = event.detail && event.detail.target;
    if (target && target.hasAttribute && target.hasAttribute("data-pivot-filter-rows")) {
      var rows = target.querySelectorAll("[data-pivot-filter-row]");
      if (rows.length) rows[rows.length - 1].querySelector("select").focus();
    } else if (target && target.hasAttribute && target.hasAttribute("data-pivot-filter-row")) {
      var value = target.querySelector("[name=fv]");
      if (value) value.focus();
    }
  });
})();
