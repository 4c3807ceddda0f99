/*
 * Back and forward within one page.
 *
 * Pages mirror their selections into the address with history.pushState (layouts/parts/components.py,
 * sync_url) without re-rendering, so Dash's own location component keeps the address the page was
 * opened with. Going back to an earlier selection of the same page would then be ignored when it
 * equals that stale address. Such steps (the path stays, the query changes; in-page anchors
 * change neither) load the page from the address instead, which restores exactly that selection; steps between pages are left
 * to Dash.
 */
(function () {
  "use strict";
  var lastPath = window.location.pathname;
  var lastSearch = window.location.search;

  function remember() {
    lastPath = window.location.pathname;
    lastSearch = window.location.search;
  }

  ["pushState", "replaceState"].forEach(function (name) {
    var original = window.history[name];
    window.history[name] = function () {
      var result = original.apply(this, arguments);
      remember();
      return result;
    };
  });

  window.addEventListener("popstate", function (event) {
    // Same page, other selection (not an in-page #anchor, which changes neither).
    if (window.location.pathname === lastPath && window.location.search !== lastSearch) {
      event.stopImmediatePropagation();
      window.location.reload();
      return;
    }
    remember();
  });
})();
