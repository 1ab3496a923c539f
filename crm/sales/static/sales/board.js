/* The pipeline board: drag a card to another column (native HTML5 drag and drop) and the move is posted to
   the server, which checks the stage's rules. On success the card and every column's count and total are
   updated from the answer; on a refusal the card goes back and the column shows why (each missing field).
   Without a mouse: each card's "Move to…" button opens a menu of the other columns (arrow keys, Home/End,
   Enter, Escape; taps on a phone) that posts the same move; a polite live region announces the result or the
   refusal, and the focus returns to the card's button. */
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) return;
  var dragged = null;
  var origin = null; // {list, next}: where the card was, to put it back

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function toast(message, level) {
    if (window.crmToast) window.crmToast(message, level || "success");
  }

  function clearErrors() {
    board.querySelectorAll("[data-column-error]").forEach(function (el) {
      el.hidden = true;
      el.textContent = "";
    });
  }

  function showError(column, body) {
    var box = column.querySelector("[data-column-error]");
    box.textContent = "";
    var title = document.createElement("p");
    title.className = "board__error-title";
    title.textContent = body.title || board.dataset.msgError;
    box.appendChild(title);
    if (body.errors && body.errors.length) {
      var list = document.createElement("ul");
      body.errors.forEach(function (e) {
        var item = document.createElement("li");
        item.dataset.field = e.field;
        var label = document.createElement("strong");
        label.textContent = e.label + ": ";
        item.appendChild(label);
        item.appendChild(document.createTextNode(e.message));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    if (body.edit_url) {
      var link = document.createElement("a");
      link.href = body.edit_url;
      link.textContent = body.edit_label;
      box.appendChild(link);
    }
    box.hidden = false;
  }

  function syncEmpty(list) {
    var hasCards = list.querySelector("[data-card]") !== null;
    var empty = list.querySelector("[data-empty]");
    if (empty) empty.hidden = hasCards;
  }

  function putBack(card) {
    if (!origin) return;
    origin.list.insertBefore(card, origin.next && origin.next.parentNode === origin.list ? origin.next : null);
    syncEmpty(origin.list);
  }

  function updateColumns(columns) {
    Object.keys(columns).forEach(function (stageId) {
      var column = board.querySelector('[data-column][data-stage="' + stageId + '"]');
      if (!column) return;
      column.querySelector("[data-count]").textContent = columns[stageId].count;
      column.querySelector("[data-total]").textContent = columns[stageId].totals;
    });
  }

  var status = board.querySelector("[data-board-status]");

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function errorText(body) {
    var parts = [body.title || board.dataset.msgError];
    (body.errors || []).forEach(function (e) { parts.push(e.label + ": " + e.message); });
    return parts.join(" ");
  }

  function move(card, column, options) {
    var keepFocus = options && options.focus;
    var list = column.querySelector("[data-cards]");
    var form = new FormData();
    form.append("stage", column.dataset.stage);
    form.append("version", card.dataset.version);
    var url = card.dataset.moveUrl + (board.dataset.query ? "?" + board.dataset.query : "");
    list.insertBefore(card, list.firstChild);
    syncEmpty(list);
    if (origin) syncEmpty(origin.list);
    card.classList.add("is-moving");
    card.setAttribute("aria-busy", "true");
    fetch(url, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        card.classList.remove("is-moving");
        card.removeAttribute("aria-busy");
        if (!result.ok) {
          putBack(card);
          showError(column, result.body);
          announce(errorText(result.body));
          if (keepFocus) focusMoveButton(card);
          return;
        }
        var holder = document.createElement("template");
        holder.innerHTML = result.body.card.trim();
        var fresh = holder.content.firstElementChild;
        list.replaceChild(fresh, card);
        updateColumns(result.body.columns);
        toast(result.body.message, "success");
        announce(result.body.message);
        if (keepFocus) focusMoveButton(fresh);
      })
      .catch(function () {
        card.classList.remove("is-moving");
        card.removeAttribute("aria-busy");
        putBack(card);
        showError(column, { title: board.dataset.msgError, errors: [] });
      });
  }

  /* ---- "Move to…": a menu of the other columns on each card, for the keyboard and for touch screens ---- */
  function focusMoveButton(card) {
    var button = card.querySelector("[data-move-menu]");
    if (button) button.focus();
  }

  function closeMenu(card, restoreFocus) {
    var menu = card.querySelector("[data-move-options]");
    if (menu) menu.remove();
    var button = card.querySelector("[data-move-menu]");
    if (button) button.setAttribute("aria-expanded", "false");
    if (restoreFocus && button) button.focus();
  }

  function openMenu(card) {
    board.querySelectorAll("[data-move-options]").forEach(function (m) { closeMenu(m.closest("[data-card]"), false); });
    var button = card.querySelector("[data-move-menu]");
    var menu = document.createElement("div");
    menu.className = "deal-menu";
    menu.setAttribute("role", "menu");
    menu.dataset.moveOptions = "";
    var name = card.querySelector(".deal__name");
    menu.setAttribute("aria-label", board.dataset.msgMenu + (name ? ": " + name.textContent : ""));
    board.querySelectorAll("[data-column]").forEach(function (column) {
      var item = document.createElement("button");
      item.type = "button";
      item.className = "deal-menu__item";
      item.setAttribute("role", "menuitem");
      item.dataset.moveTo = column.dataset.stage;
      var title = column.querySelector(".board__title");
      var label = title ? title.firstChild.textContent.trim() : column.dataset.stage;
      if (column.dataset.stage === card.dataset.stage) {
        item.disabled = true;
        item.setAttribute("aria-disabled", "true");
        label += " " + board.dataset.msgCurrent;
      }
      item.textContent = label;
      menu.appendChild(item);
    });
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "deal-menu__item deal-menu__item--cancel";
    cancel.setAttribute("role", "menuitem");
    cancel.dataset.moveCancel = "";
    cancel.textContent = board.dataset.msgCancel;
    menu.appendChild(cancel);
    card.appendChild(menu);
    button.setAttribute("aria-expanded", "true");
    var first = menu.querySelector("button:not([disabled])");
    if (first) first.focus();
  }

  board.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-move-menu]");
    if (opener) {
      var card = opener.closest("[data-card]");
      if (card.querySelector("[data-move-options]")) closeMenu(card, true);
      else openMenu(card);
      return;
    }
    var choice = event.target.closest("[data-move-to]");
    if (choice) {
      var owner = choice.closest("[data-card]");
      var column = board.querySelector('[data-column][data-stage="' + choice.dataset.moveTo + '"]');
      closeMenu(owner, false);
      clearErrors();
      origin = { list: owner.parentNode, next: owner.nextSibling };
      if (column) move(owner, column, { focus: true });
      return;
    }
    if (event.target.closest("[data-move-cancel]")) closeMenu(event.target.closest("[data-card]"), true);
  });

  board.addEventListener("keydown", function (event) {
    var menu = event.target.closest && event.target.closest("[data-move-options]");
    if (!menu) return;
    var items = Array.prototype.slice.call(menu.querySelectorAll("button:not([disabled])"));
    var index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = (index + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items[next].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      items[event.key === "Home" ? 0 : items.length - 1].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeMenu(menu.closest("[data-card]"), true);
    } else if (event.key === "Tab") {
      closeMenu(menu.closest("[data-card]"), false);
    }
  });

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-card]");
    if (!card) return;
    dragged = card;
    origin = { list: card.parentNode, next: card.nextSibling };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
    card.classList.add("is-dragging");
    clearErrors();
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    board.querySelectorAll(".is-over").forEach(function (el) { el.classList.remove("is-over"); });
    dragged = null;
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest("[data-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("is-over")) {
      board.querySelectorAll(".is-over").forEach(function (el) { el.classList.remove("is-over"); });
      column.classList.add("is-over");
    }
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest("[data-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-over");
    var card = dragged;
    if (column.dataset.stage === card.dataset.stage) return;
    move(card, column);
  });
})();
