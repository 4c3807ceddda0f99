/*
 * The municipality map (layouts/parts/area_map.py).
 *
 * 1. A click or a tap on a municipality opens its page. A click on a label reports the label's
 *    customdata ([id, hover text, address]); a click on a municipality's filled shape reports
 *    only the shape's trace, whose `meta` is the address. The clientside callback sets the
 *    page's dcc.Location to it.
 * 2. The map's own choices live in the address (`karta`, and `ar` on an indicator's page),
 *    written in place (history.replaceState): a reload or a shared link restores them, and
 *    the back button still steps through the page's own selections only (a new SDG filter may
 *    change the map's choice as a consequence, which must not become a step of its own).
 */
(function () {
  "use strict";
  var ADDRESS = /^\/kommun\/[0-9]{4}(\?[A-Za-z0-9=&%,._-]*)?$/;

  function addressOf(point, figure) {
    var data = point && point.customdata;
    if (Array.isArray(data) && typeof data[2] === "string") return data[2];
    var traces = figure && figure.data;
    var trace = Array.isArray(traces) ? traces[point.curveNumber] : null;
    return trace && typeof trace.meta === "string" ? trace.meta : null;
  }

  /* Set (or, for an empty value, remove) the parameters in the current address in place. */
  function keep(pairs) {
    var query = new URLSearchParams(window.location.search);
    pairs.forEach(function (pair) {
      var value = pair[1];
      if (value === null || value === undefined || value === "") {
        query.delete(pair[0]);
      } else {
        query.set(pair[0], String(value));
      }
    });
    var text = query.toString();
    var search = text ? "?" + text : "";
    if (search !== window.location.search) {
      var url = window.location.pathname + search + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    }
    return search;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.areaMap = {
    open: function (clickData, figure) {
      var noUpdate = window.dash_clientside.no_update;
      var points = clickData && clickData.points;
      if (!Array.isArray(points) || points.length === 0) return noUpdate;
      var address = addressOf(points[0], figure);
      return typeof address === "string" && ADDRESS.test(address) ? address : noUpdate;
    },
    keepOverview: function (choice) {
      return keep([["karta", choice]]);
    },
    keepIndicator: function (view, year) {
      return keep([["karta", view], ["ar", year]]);
    },
  };
})();
