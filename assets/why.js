/*
 * "Varför?": a status badge is a <details class="why"> whose <summary> is the badge and whose
 * panel holds the facts behind the status (layouts/parts/why.py). The browser opens and closes
 * it by click, tap, Enter and Space; this script adds what a panel shown over the page needs:
 * one panel open at a time, "Stäng" and Escape close it and give the focus back to its badge,
 * and a click or tap elsewhere on the page closes it.
 */
(function () {
  "use strict";
  var WHY = "details.why";

  function openPanels() {
    return Array.prototype.slice.call(document.querySelectorAll(WHY + "[open]"));
  }

  function close(details, focus) {
    details.open = false;
    if (focus) {
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    }
  }

  // "toggle" does not bubble: listen while it is captured.
  document.addEventListener(
    "toggle",
    function (event) {
      var opened = event.target;
      if (!(opened instanceof Element) || !opened.matches(WHY) || !opened.open) return;
      openPanels().forEach(function (other) {
        if (other !== opened && !other.contains(opened)) close(other, false);
      });
    },
    true
  );

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    var button = event.target.closest(WHY + " .why-close");
    if (button) {
      close(button.closest(WHY), true);
      return;
    }
    var inside = event.target.closest(WHY);
    openPanels().forEach(function (details) {
      if (details !== inside) close(details, false);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var details = null;
    if (event.target instanceof Element) details = event.target.closest(WHY + "[open]");
    if (details === null) details = openPanels()[0] || null;
    if (details === null) return;
    event.preventDefault();
    close(details, true);
  });
})();
