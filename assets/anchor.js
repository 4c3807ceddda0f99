/*
 * In-page anchors on pages that Dash draws after the page has loaded.
 *
 * An address with #id (the link "Lägg till eget mål" on a municipality's page leads to
 * /mal?omrade=2080#nytt-mal) cannot be scrolled to by the browser itself: the element does not
 * exist yet when the page loads, nor when the app navigates to another page. Whenever the
 * address gets an anchor (on loading, after the app's own links, back and forward, and a
 * change of the anchor alone), the element is waited for, scrolled into view and its heading
 * given focus, so that keyboard and screen-reader users land where the link promised.
 */
(function () {
  "use strict";
  var WAIT_MS = 15000;
  var SETTLE_MS = 400;
  var observer = null;
  var timer = null;

  function stop() {
    if (observer !== null) {
      observer.disconnect();
      observer = null;
    }
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
  }

  /* The anchor of the current address, read when the address changes: a page may rewrite its
     address (its selections, without the anchor) before the element is drawn. */
  function anchor() {
    try {
      return decodeURIComponent(window.location.hash.slice(1));
    } catch (e) {
      return "";
    }
  }

  function reveal(element) {
    element.scrollIntoView({ block: "start" });
    var heading = element.matches("h1, h2, h3") ? element : element.querySelector("h1, h2, h3");
    var focusable = heading || element;
    if (!focusable.hasAttribute("tabindex")) focusable.setAttribute("tabindex", "-1");
    focusable.focus({ preventScroll: true });
    // What is drawn above it meanwhile (a table filled by a callback) may push it down.
    window.setTimeout(function () {
      if (document.activeElement === focusable) element.scrollIntoView({ block: "start" });
    }, SETTLE_MS);
  }

  function follow() {
    stop();
    var id = anchor();
    if (!id) return;
    var found = document.getElementById(id);
    if (found !== null) {
      reveal(found);
      return;
    }
    observer = new MutationObserver(function () {
      var element = document.getElementById(id);
      if (element !== null) {
        stop();
        reveal(element);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    timer = window.setTimeout(stop, WAIT_MS);
  }

  // The app's own links (dcc.Link) announce a new address with this event.
  window.addEventListener("_dashprivate_pushstate", follow);
  window.addEventListener("popstate", follow);
  window.addEventListener("hashchange", follow);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", follow);
  } else {
    follow();
  }
})();
