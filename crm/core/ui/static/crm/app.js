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
    var message = status === 403 ? body.dataset.msgForbidden : status === 404 ? body.dataset.msgNotFound : body.dataset.msgError;
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
