/*
 * Översikt: choosing a cell of the status matrix shows the facts behind it ("Varför?").
 *
 * The matrix is one Markdown component of plain elements (layouts/parts/matrix.py): each cell is
 * a <button> whose value is its key ("2062/N00003"). A click, a tap, Enter or Space on one puts
 * the key in the store "oversikt-cell"; the page's callback answers with the facts in
 * "oversikt-why" (layouts/oversikt.py). When they arrive, focus moves to their heading; "Stäng"
 * or Escape in the panel clears the store and returns focus to the cell.
 *
 * "Börja här": choosing an area opens its page (window.dash_clientside.oversikt.openArea, the
 * clientside callback that sets the page's dcc.Location, layouts/oversikt.py).
 */
(function () {
  "use strict";
  var AREA = /^[0-9]{4}$/;
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.oversikt = {
    openArea: function (area) {
      if (typeof area !== "string" || !AREA.test(area)) return window.dash_clientside.no_update;
      var level = new URLSearchParams(window.location.search).get("niva");
      var query = level ? "?niva=" + encodeURIComponent(level) : "";
      return "/kommun/" + area + query;
    },
  };

  var STORE = "oversikt-cell";
  var PANEL = "oversikt-why";
  var CELL = ".ov-matrix button.ov-cell";

  var pending = null; // the key of the cell whose facts are asked for and get focus on arrival

  function setChosen(key) {
    if (!window.dash_clientside || !window.dash_clientside.set_props) return;
    window.dash_clientside.set_props(STORE, { data: key });
  }

  function facts() {
    return document.querySelector("#" + PANEL + " [data-cell]");
  }

  function shownKey() {
    var shown = facts();
    return shown ? shown.getAttribute("data-cell") : null;
  }

  function cellFor(key) {
    if (key === null) return null;
    return document.querySelector(CELL + '[value="' + CSS.escape(key) + '"]');
  }

  // The cell whose facts are shown is outlined (the matrix may have been drawn anew).
  function markChosen() {
    var key = shownKey();
    document.querySelectorAll(CELL + ".ov-chosen").forEach(function (cell) {
      if (cell.value !== key) cell.classList.remove("ov-chosen");
    });
    var cell = cellFor(key);
    if (cell && !cell.classList.contains("ov-chosen")) cell.classList.add("ov-chosen");
  }

  function focusFacts() {
    var shown = facts();
    (shown.querySelector("h2") || shown).focus();
  }

  function close() {
    var cell = cellFor(shownKey());
    pending = null;
    setChosen(null);
    if (cell) cell.focus();
  }

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    var cell = event.target.closest(CELL + "[value]");
    if (cell) {
      pending = cell.value;
      setChosen(pending);
      if (shownKey() === pending) {
        // the same cell again: its facts are there already
        focusFacts();
        pending = null;
      }
      return;
    }
    if (event.target.closest("#" + PANEL + " .ov-why-close")) close();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !(event.target instanceof Element)) return;
    if (event.target.closest("#" + PANEL + " [data-cell]")) close();
  });

  function start() {
    new MutationObserver(function (mutations) {
      var answered = mutations.some(function (m) {
        return m.target instanceof Element && m.target.closest("#" + PANEL) !== null;
      });
      if (answered && pending !== null) {
        if (shownKey() === pending) focusFacts();
        pending = null;
      }
      markChosen();
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
