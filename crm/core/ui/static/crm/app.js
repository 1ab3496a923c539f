/* The app's behaviour, one file, no framework. Everything is wired by data- attributes, so templates never
   carry inline scripts or handlers (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  var doc = document;

  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* ---- htmx: CSRF header on every request ------------------------------------------------------------- */
  doc.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  /* ---- toasts ------------------------------------------------------------------------------------------ */
  var TOAST_MS = 5000;

  function dismiss(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    setTimeout(function () { toast.remove(); }, 180);
  }

  function armToast(toast) {
    var timer = setTimeout(function () { dismiss(toast); }, toast.classList.contains("toast--error") ? TOAST_MS * 2 : TOAST_MS);
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("mouseleave", function () { timer = setTimeout(function () { dismiss(toast); }, 2000); });
  }

  function showToast(message, level) {
    var region = doc.querySelector("[data-toasts]");
    var template = doc.getElementById("toast-template");
    if (!region || !template || !message) return;
    level = ["success", "info", "warning", "error"].indexOf(level) >= 0 ? level : (level === "danger" ? "error" : "info");
    var toast = template.content.firstElementChild.cloneNode(true);
    toast.classList.add("toast--" + level);
    toast.querySelector(".toast__text").textContent = message;
    var icon = toast.querySelector("[data-icon-" + level + "]");
    if (icon) icon.hidden = false;
    toast.querySelectorAll(".toast__icon[hidden]").forEach(function (el) { el.remove(); });
    region.appendChild(toast);
    armToast(toast);
  }
  window.crmToast = showToast;

  /* HX-Trigger: {"showToast": {"message": "...", "level": "success"}} or {"showToast": {"messages": [...]}} */
  doc.addEventListener("showToast", function (event) {
    var detail = event.detail || {};
    if (Array.isArray(detail.messages)) {
      detail.messages.forEach(function (m) { showToast(m.message, m.level); });
    } else {
      showToast(detail.message || detail.value, detail.level);
    }
  });

  /* A failed htmx request should never fail silently. */
  doc.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var body = doc.body;
    var isCsrf = event.detail.xhr && event.detail.xhr.getResponseHeader("X-CRM-Error") === "csrf";
    var message = isCsrf ? body.dataset.msgSession : status === 403 ? body.dataset.msgForbidden : status === 404 ? body.dataset.msgNotFound : body.dataset.msgError;
    showToast(message || "Something went wrong (" + status + ").", "error");
  });
  doc.addEventListener("htmx:sendError", function () {
    showToast(doc.body.dataset.msgOffline || "Network error.", "error");
  });

  /* ---- confirmations for plain forms and bulk buttons (hx-confirm covers htmx elements) --------------- */
  doc.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* ---- sidebar toggle (phone) -------------------------------------------------------------------------- */
  function setNav(open) {
    var app = doc.querySelector("[data-app]");
    if (!app) return;
    app.classList.toggle("is-nav-open", open);
    doc.querySelectorAll("[data-sidebar-toggle]").forEach(function (b) { b.setAttribute("aria-expanded", String(open)); });
    var backdrop = doc.querySelector(".sidebar-backdrop");
    if (backdrop) backdrop.hidden = !open;
    if (open) {
      var first = doc.querySelector("[data-sidebar] .nav__link");
      if (first) first.focus();
    }
  }

  doc.addEventListener("click", function (event) {
    var t = event.target;
    if (t.closest("[data-sidebar-toggle]")) {
      var app = doc.querySelector("[data-app]");
      setNav(!(app && app.classList.contains("is-nav-open")));
      return;
    }
    if (t.closest("[data-sidebar-close]")) { setNav(false); var tog = doc.querySelector("[data-sidebar-toggle]"); if (tog) tog.focus(); return; }

    /* Error pages: "Go back" returns to the previous page when there is one (the link's href is the fallback). */
    var back = t.closest("[data-history-back]");
    if (back && window.history.length > 1 && doc.referrer && doc.referrer.indexOf(window.location.origin) === 0) {
      event.preventDefault();
      window.history.back();
      return;
    }

    var close = t.closest("[data-toast-close]");
    if (close) { dismiss(close.closest("[data-toast]")); return; }

    var clear = t.closest("[data-bulk-clear]");
    if (clear) {
      var scope = clear.closest("[data-bulk]");
      scope.querySelectorAll("[data-bulk-item], [data-bulk-all]").forEach(function (c) { c.checked = false; c.indeterminate = false; });
      updateBulk(scope);
      return;
    }

    /* Close open <details> dropdowns when clicking elsewhere. */
    doc.querySelectorAll("details[data-dropdown][open]").forEach(function (d) {
      if (!d.contains(t)) d.open = false;
    });
    /* Close the quick-find popover when clicking outside it. */
    var qf = doc.querySelector("[data-quickfind]");
    if (qf && !qf.contains(t)) clearPopover();
  });

  /* Only one dropdown open at a time. */
  doc.addEventListener("toggle", function (event) {
    var d = event.target;
    if (!(d instanceof HTMLDetailsElement) || !d.open || !d.hasAttribute("data-dropdown")) return;
    doc.querySelectorAll("details[data-dropdown][open]").forEach(function (other) { if (other !== d) other.open = false; });
  }, true);

  /* ---- keyboard ---------------------------------------------------------------------------------------- */
  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function clearPopover() {
    var pop = doc.querySelector("[data-quickfind-popover]");
    if (pop) pop.innerHTML = "";
  }

  doc.addEventListener("keydown", function (event) {
    var active = doc.activeElement;
    /* "/" focuses quick find */
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(active)) {
      var input = doc.getElementById("quickfind-input");
      if (input) { event.preventDefault(); input.focus(); input.select(); }
      return;
    }
    if (event.key === "Escape") {
      var editing = active && active.closest("[data-inline-form]");
      if (editing) {
        var cancel = editing.querySelector("[data-inline-cancel]");
        if (cancel) { event.preventDefault(); cancel.click(); return; }
      }
      var openDropdown = doc.querySelector("details[data-dropdown][open]");
      if (openDropdown) { openDropdown.open = false; var s = openDropdown.querySelector("summary"); if (s) s.focus(); return; }
      var app = doc.querySelector("[data-app]");
      if (app && app.classList.contains("is-nav-open")) { setNav(false); return; }
      var qf = active && active.closest("[data-quickfind]");
      if (qf) { clearPopover(); if (active.id !== "quickfind-input") doc.getElementById("quickfind-input").focus(); else active.blur(); }
      return;
    }
    /* Arrow keys move through the quick-find results. */
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && active && active.closest("[data-quickfind]")) {
      var items = Array.prototype.slice.call(doc.querySelectorAll("[data-quickfind-popover] [data-qf-item]"));
      if (!items.length) return;
      event.preventDefault();
      var index = items.indexOf(active);
      if (event.key === "ArrowDown") index = index < 0 ? 0 : Math.min(index + 1, items.length - 1);
      else index = index <= 0 ? -1 : index - 1;
      if (index < 0) doc.getElementById("quickfind-input").focus(); else items[index].focus();
    }
  });

  /* ---- record picker: search-as-you-type combobox (ui/components/record_picker.html) ----------------- */
  function picker(el) { return el && el.closest ? el.closest("[data-picker]") : null; }
  function pickerInput(p) { return p.querySelector("[data-picker-input]"); }
  function pickerListbox(p) { return p.querySelector("[data-picker-listbox]"); }
  function pickerOptions(p) {
    return Array.prototype.slice.call(pickerListbox(p).querySelectorAll('[role=option]:not([aria-disabled="true"])'));
  }
  function pickerIsOpen(p) { return !pickerListbox(p).hidden; }

  function pickerSetOpen(p, open) {
    var input = pickerInput(p);
    pickerListbox(p).hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    if (!open) { input.removeAttribute("aria-activedescendant"); p.removeAttribute("data-picker-want"); }
  }

  function pickerActivate(p, index) {
    var options = pickerOptions(p);
    var input = pickerInput(p);
    options.forEach(function (o) { o.classList.remove("is-active"); });
    if (index < 0 || !options[index]) { input.removeAttribute("aria-activedescendant"); return; }
    options[index].classList.add("is-active");
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  }

  function pickerCommit(p, value, label) {
    var input = pickerInput(p);
    var hidden = p.querySelector("[data-picker-value]");
    var changed = hidden.value !== value;
    hidden.value = value;
    input.value = label;
    input.setAttribute("data-picker-committed", label);
    p.classList.toggle("has-value", value !== "");
    pickerSetOpen(p, false);
    if (changed) hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  /* Leaving the field without choosing keeps the previous choice; an emptied field clears it. */
  function pickerSettle(p) {
    var input = pickerInput(p);
    if (input.value.trim() === "") pickerCommit(p, "", "");
    else input.value = input.getAttribute("data-picker-committed") || "";
    pickerSetOpen(p, false);
  }

  doc.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-picker-input")) return;
    var p = picker(elt);
    var data = event.detail.formData;
    if (data && data.delete) {
      data.delete(elt.name);
      data.set("q", elt.value);
      data.set("selected", p.querySelector("[data-picker-value]").value);
    } else {
      var params = event.detail.parameters;
      delete params[elt.name];
      params.q = elt.value;
      params.selected = p.querySelector("[data-picker-value]").value;
    }
  });

  doc.addEventListener("htmx:afterSwap", function (event) {
    var listbox = event.detail.target;
    if (!listbox || !listbox.hasAttribute || !listbox.hasAttribute("data-picker-listbox")) return;
    var p = picker(listbox);
    listbox.querySelectorAll("[role=option]").forEach(function (o, i) { o.id = listbox.id + "-" + i; });
    var status = listbox.querySelector("[data-picker-status]");
    var live = p.querySelector("[aria-live]");
    if (live) live.textContent = status ? status.getAttribute("data-picker-status") : "";
    pickerSetOpen(p, doc.activeElement === pickerInput(p) && p.hasAttribute("data-picker-want"));
    if (pickerIsOpen(p)) p.setAttribute("data-picker-want", "");
  });

  doc.addEventListener("input", function (event) {
    var p = event.target.hasAttribute && event.target.hasAttribute("data-picker-input") ? picker(event.target) : null;
    if (p) p.setAttribute("data-picker-want", "");
  });

  /* Capture phase: the picker handles its keys before the page-wide shortcuts (Escape cancels inline edits). */
  doc.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-picker-input")) return;
    var p = picker(input);
    var open = pickerIsOpen(p);
    var options = pickerOptions(p);
    var current = options.findIndex(function (o) { return o.classList.contains("is-active"); });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        p.setAttribute("data-picker-want", "");
        if (window.htmx) window.htmx.trigger(input, "picker:open");
        return;
      }
      if (event.key === "ArrowDown") pickerActivate(p, Math.min(current + 1, options.length - 1));
      else pickerActivate(p, current - 1);
    } else if (event.key === "Enter" && open) {
      event.preventDefault();
      event.stopPropagation();
      var chosen = options[current >= 0 ? current : 0];
      if (chosen) pickerCommit(p, chosen.getAttribute("data-value"), chosen.getAttribute("data-label"));
    } else if (event.key === "Escape") {
      var committed = input.getAttribute("data-picker-committed") || "";
      if (open || input.value !== committed) {
        event.preventDefault();
        event.stopPropagation();
        if (open) pickerSetOpen(p, false); else input.value = committed;
      }
    } else if (event.key === "Tab" && open && current >= 0) {
      pickerCommit(p, options[current].getAttribute("data-value"), options[current].getAttribute("data-label"));
    }
  }, true);

  /* Pointer: mousedown keeps the focus in the input, click chooses. */
  doc.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-picker-listbox], [data-picker-clear]")) event.preventDefault();
  });
  doc.addEventListener("click", function (event) {
    var t = event.target;
    var option = t.closest && t.closest("[data-picker-listbox] [role=option]");
    if (option && option.getAttribute("aria-disabled") !== "true") {
      pickerCommit(picker(option), option.getAttribute("data-value"), option.getAttribute("data-label"));
      return;
    }
    var clear = t.closest && t.closest("[data-picker-clear]");
    if (clear) {
      var p = picker(clear);
      pickerCommit(p, "", "");
      pickerInput(p).focus();
    }
  });
  doc.addEventListener("focusout", function (event) {
    var p = event.target.hasAttribute && event.target.hasAttribute("data-picker-input") ? picker(event.target) : null;
    if (p && !(event.relatedTarget && p.contains(event.relatedTarget))) pickerSettle(p);
  });

  /* ---- bulk selection ---------------------------------------------------------------------------------- */
  function updateBulk(scope) {
    if (!scope) return;
    var items = scope.querySelectorAll("[data-bulk-item]");
    var checked = scope.querySelectorAll("[data-bulk-item]:checked").length;
    var all = scope.querySelector("[data-bulk-all]");
    if (all) {
      all.checked = items.length > 0 && checked === items.length;
      all.indeterminate = checked > 0 && checked < items.length;
    }
    var bar = scope.querySelector("[data-bulk-bar]");
    if (bar) bar.hidden = checked === 0;
    scope.querySelectorAll("[data-bulk-count]").forEach(function (el) { el.textContent = String(checked); });
  }

  doc.addEventListener("change", function (event) {
    var t = event.target;
    var scope = t.closest && t.closest("[data-bulk]");
    if (!scope) return;
    if (t.matches("[data-bulk-all]")) {
      scope.querySelectorAll("[data-bulk-item]").forEach(function (c) { c.checked = t.checked; });
    }
    if (t.matches("[data-bulk-all], [data-bulk-item]")) updateBulk(scope);
  });

  /* ---- tabs: mark the clicked tab selected (the panel swap is htmx) ------------------------------------ */
  doc.addEventListener("click", function (event) {
    var tab = event.target.closest && event.target.closest("[data-tabs] [role=tab]");
    if (!tab) return;
    tab.closest("[role=tablist]").querySelectorAll("[role=tab]").forEach(function (t) {
      t.setAttribute("aria-selected", String(t === tab));
    });
  });
  doc.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[data-tabs] [role=tab]");
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var i = tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : -1);
    var next = tabs[(i + tabs.length) % tabs.length];
    next.focus();
    next.click();
    event.preventDefault();
  });

  /* ---- after htmx swaps: focus the first field of an inline edit form; re-arm new toasts ------------- */
  doc.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var root = target.isConnected ? target : doc;
    var form = (root.matches && root.matches("[data-inline-form]")) ? root : root.querySelector && root.querySelector("[data-inline-form]");
    if (form) {
      var field = form.querySelector("input:not([type=hidden]), select, textarea");
      if (field) { field.focus(); if (field.select && field.type !== "date") field.select(); }
    }
    doc.querySelectorAll("[data-bulk]").forEach(updateBulk);
  });

  doc.addEventListener("DOMContentLoaded", function () {
    doc.querySelectorAll("[data-toast]").forEach(armToast);
    doc.querySelectorAll("[data-bulk]").forEach(updateBulk);
  });
})();
