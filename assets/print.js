/*
 * Charts on paper (assets/print.css). A chart is drawn for the window it is in – 1 300 px wide
 * on a laptop, 370 px on a phone – and on an A4 page it would be cut at the right edge or left
 * narrow. While the page prints (the browser's print dialog, "Spara som PDF", or the print media
 * type), each chart is redrawn as wide as its box on paper and as high as it is drawn (at most
 * MAX_HEIGHT, so that it fits on one page with its heading); afterwards it is put back.
 *
 * `beforeprint` comes before the page is laid out for paper, so the chart first gets the width
 * between print.css's margins; once the print media type applies, its box's own width.
 */
(function () {
  'use strict';

  var PX_PER_MM = 96 / 25.4;
  // A4 between print.css's margins: portrait 210 − 2 × 12 mm, landscape (a slideshow's view,
  // presentation mode) 297 − 2 × 10 mm.
  var PORTRAIT = { width: Math.floor(186 * PX_PER_MM), maxHeight: 900 };
  var LANDSCAPE = { width: Math.floor(277 * PX_PER_MM), maxHeight: Math.floor(150 * PX_PER_MM) };
  var printing = window.matchMedia('print');
  /* The charts redrawn for paper, with their own width and height (layout values). */
  var drawnForScreen = new Map();

  function paper() {
    return document.querySelector('.shell.presentation') !== null ? LANDSCAPE : PORTRAIT;
  }

  function widthOnPaper(gd) {
    var page = paper().width;
    if (!printing.matches) return page;
    var box = (gd.closest('.dash-graph') || gd).getBoundingClientRect().width;
    return box > 0 ? Math.floor(Math.min(box, page)) : page;
  }

  /* The chart's own height; in presentation mode on paper, its box's (a slideshow's view is
     sized to the page by the style sheets). */
  function heightOnPaper(gd, own) {
    if (!printing.matches || paper() !== LANDSCAPE) return own.drawnHeight;
    var box = (gd.closest('.dash-graph') || gd).getBoundingClientRect().height;
    return box > 100 ? Math.floor(box) : own.drawnHeight;
  }

  function toPaper() {
    if (!window.Plotly) return;
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (!gd.layout || !gd._fullLayout) return;
      if (!drawnForScreen.has(gd)) {
        drawnForScreen.set(gd, {
          width: gd.layout.width,
          height: gd.layout.height,
          drawnHeight: gd._fullLayout.height
        });
      }
      var own = drawnForScreen.get(gd);
      var width = widthOnPaper(gd);
      var height = Math.min(heightOnPaper(gd, own), paper().maxHeight);
      if (gd._fullLayout.width === width && gd._fullLayout.height === height) return;
      window.Plotly.relayout(gd, { width: width, height: height }).catch(function () {});
    });
  }

  function toScreen() {
    if (!window.Plotly) return;
    drawnForScreen.forEach(function (own, gd) {
      if (!gd.isConnected) return;
      window.Plotly.relayout(gd, {
        width: own.width === undefined ? null : own.width,
        height: own.height === undefined ? null : own.height
      }).then(function () {
        return window.Plotly.Plots.resize(gd);
      }).catch(function () {});
    });
    drawnForScreen.clear();
  }

  /* "Skriv ut" on a page made for printing (a whole slideshow): the browser's print dialog. */
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.print-now');
    if (button) window.print();
  });

  window.addEventListener('beforeprint', toPaper);
  window.addEventListener('afterprint', toScreen);
  printing.addEventListener('change', function (event) {
    if (event.matches) toPaper();
    else toScreen();
  });
})();
