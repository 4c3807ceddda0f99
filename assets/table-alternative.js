/*
 * Table alternatives built when opened (layouts/parts/table_alternative.py).
 *
 * A chart's "Visa som tabell" disclosure (<details class="table-alternative" id=…>) is filled by
 * the server once it is open. Dash's Details component does not report the reader opening or
 * closing it, so this reports it as the component's `open` property, which the page's callbacks
 * take as an input. Only the reader's own toggling is reported (a click on the summary: a
 * pointer, a tap, or Enter or Space on the focused summary), read once the browser has toggled
 * the element; a disclosure the server renders open is already filled.
 */
(function () {
  "use strict";

  function componentId(element) {
    var id = element.id;
    // Pattern-matching ids are rendered as their JSON text.
    return id.charAt(0) === "{" ? JSON.parse(id) : id;
  }

  document.addEventListener("click", function (event) {
    var summary = event.target instanceof Element ? event.target.closest("summary") : null;
    var details = summary ? summary.parentElement : null;
    if (!details || details.tagName !== "DETAILS" || !details.id ||
        !details.classList.contains("table-alternative")) {
      return;
    }
    // The toggle is the click's default action: read the state once it has happened.
    window.setTimeout(function () {
      var clientside = window.dash_clientside;
      if (clientside && clientside.set_props) {
        clientside.set_props(componentId(details), { open: details.open });
      }
    }, 0);
  });
})();
