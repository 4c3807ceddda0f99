/*
 * Presentation mode and slideshows (see layouts/parts/presentation.py).
 *
 * 1. The address keeps the presentation parameters (visa, bildspel, steg): pages rewrite their
 *    own query parameters with history.pushState / replaceState and links navigate the same
 *    way, so every such change made while presenting gets the current presentation parameters
 *    added back, unless the new address names them itself (a slideshow step does).
 * 2. Clientside callbacks: the mode (class on the shell, toggle text, slideshow bar), which
 *    slideshow runs and its steps. The address and the bar are read and built here, as the
 *    Python reference functions do (running_step, step_url, show_state); the server is asked
 *    only for a slideshow's content, when another show starts (the `follow` callback writes
 *    its id into a store only then).
 * 3. Charts are fitted to the screen in presentation mode (height and type size) and put back
 *    when it ends; each page's main view gets the height left on the first screen (above the
 *    slideshow bar), and the overview's matrix a type size that fits it.
 * 4. The arrow keys and PageUp / PageDown (as presentation clickers send) press the
 *    slideshow's Föregående / Nästa buttons.
 */
(function () {
  'use strict';

  var PARAMS = ['visa', 'bildspel', 'steg'];
  var MODE = 'presentation';
  var history = window.history;
  var originalPush = history.pushState;
  var originalReplace = history.replaceState;

  function keyOf(pair) {
    try {
      return decodeURIComponent(pair.split('=')[0].replace(/\+/g, ' '));
    } catch (e) {
      return pair.split('=')[0];
    }
  }

  /* A query (after its "?") minus the presentation parameters, the rest in its own spelling
     and order (strip_presentation_params). */
  function withoutPresentation(query) {
    return query.split('&').filter(function (pair) {
      return pair !== '' && PARAMS.indexOf(keyOf(pair)) < 0;
    }).join('&');
  }

  /* The query string (without "?") minus the presentation parameters, in its own spelling. */
  function ownQuery(search) {
    return withoutPresentation(search.replace(/^\?/, ''));
  }

  /* The presentation parameters of the current address, as "visa=presentation&…". */
  function currentPresentationQuery() {
    var current = new URLSearchParams(window.location.search);
    var kept = new URLSearchParams();
    PARAMS.forEach(function (name) {
      if (current.has(name)) kept.set(name, current.get(name));
    });
    return kept.toString();
  }

  function withQuery(pathname, query, hash) {
    return pathname + (query ? '?' + query : '') + (hash || '');
  }

  /*
   * The address to use instead of `url` (or null to use `url` as it is), and whether a push
   * should only replace the entry (the page's first rewrite of its own parameters, which would
   * have been a replace had the presentation parameters not been there).
   */
  function carry(url) {
    if (url === undefined || url === null) return null;
    var extra = currentPresentationQuery();
    if (!extra) return null;
    var target;
    try {
      target = new URL(String(url), window.location.href);
    } catch (e) {
      return null;
    }
    if (target.origin !== window.location.origin) return null;
    var named = new URLSearchParams(target.search);
    if (PARAMS.some(function (name) { return named.has(name); })) return null;
    var own = ownQuery(target.search);
    var address = withQuery(target.pathname, own ? own + '&' + extra : extra, target.hash);
    var firstRewrite =
      target.pathname === window.location.pathname && ownQuery(window.location.search) === '';
    return { address: address, replace: firstRewrite };
  }

  history.pushState = function (state, title, url) {
    var carried = carry(url);
    if (carried === null) return originalPush.apply(history, arguments);
    var here = window.location.pathname + window.location.search + window.location.hash;
    if (carried.replace || carried.address === here) {
      return originalReplace.call(history, state, title, carried.address);
    }
    return originalPush.call(history, state, title, carried.address);
  };

  history.replaceState = function (state, title, url) {
    var carried = carry(url);
    if (carried === null) return originalReplace.apply(history, arguments);
    return originalReplace.call(history, state, title, carried.address);
  };

  function params() {
    return new URLSearchParams(window.location.search);
  }

  function isOn() {
    return params().get('visa') === MODE;
  }

  /* Turn presentation mode on or off in the address without a new history entry (leaving it
     also ends a running slideshow). */
  function setMode(on) {
    var own = ownQuery(window.location.search);
    var query = on ? (own ? own + '&' : '') + 'visa=' + MODE : own;
    var address = withQuery(window.location.pathname, query, window.location.hash);
    originalReplace.call(history, history.state, '', address);
  }

  /* --- charts ------------------------------------------------------------------------------ */

  /*
   * In presentation mode the stylesheet makes each chart's box about 70vh tall (never lower
   * than the figure's own height, kept in --chart-natural-height); Plotly's autosize fills the
   * box and the chart's type is enlarged. Leaving puts back the figure's own height and type.
   * A chart still to be fitted is recognised by its type size (not yet the enlarged one) or by
   * a fixed height in its layout (a new figure; autosize removes it once fitted).
   */
  var charts = new WeakMap();

  function presenting() {
    return document.querySelector('.shell.presentation') !== null;
  }

  function presentationFontSize() {
    var root = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
    return Math.round(root * 0.8);
  }

  function wrapperOf(gd) {
    return gd.closest('.dash-graph') || gd.parentElement;
  }

  /* Every type size the figure sets itself ("font.size", "legend.font.size",
     "annotations[0].font.size" …), by its path in the layout. */
  function explicitFontSizes(layout) {
    var found = {};
    function walk(value, path) {
      if (Array.isArray(value)) {
        value.forEach(function (item, i) { walk(item, path + '[' + i + ']'); });
        return;
      }
      if (!value || typeof value !== 'object') return;
      Object.keys(value).forEach(function (key) {
        if (path === '' && key === 'template') return;
        var child = value[key];
        var childPath = path ? path + '.' + key : key;
        if (/font$/.test(key) && child && typeof child.size === 'number') {
          found[childPath + '.size'] = child.size;
        }
        walk(child, childPath);
      });
    }
    walk(layout, '');
    return found;
  }

  /*
   * Small multiples (Jämför's panels) while presenting: the panel's heading names the
   * indicator, so the figure's own title goes, with the room above the plot it took; the
   * legend sits at the foot of the figure, clear of the axis's labels however low the plot
   * gets. Returns the layout changes and what puts them back, or null for other charts.
   */
  function panelLayout(gd) {
    if (!gd.closest('.jamfor-panel')) return null;
    var layout = gd.layout;
    var change = {};
    var back = {};
    var title = layout.title;
    var text = typeof title === 'string' ? title : title && title.text;
    var margin = layout.margin || {};
    if (text) {
      var block = gd.querySelector('.g-gtitle');
      var taken = block ? block.getBoundingClientRect().height : 0;
      change['title.text'] = '';
      back['title.text'] = text;
      if (typeof margin.t === 'number') {
        change['margin.t'] = Math.max(10, Math.round(margin.t - taken));
        back['margin.t'] = margin.t;
      }
    }
    var legend = layout.legend || {};
    var foot = { yref: 'container', y: 0, yanchor: 'bottom' };
    Object.keys(foot).forEach(function (key) {
      change['legend.' + key] = foot[key];
      back['legend.' + key] = legend[key] === undefined ? null : legend[key];
    });
    return { change: change, back: back };
  }

  /* Whether the chart still has to be fitted (or put back). */
  function needsFit(gd) {
    if (!gd.layout || !gd._fullLayout) return false;
    var state = charts.get(gd);
    if (!presenting()) return Boolean(state);
    if (!state) return true;
    var font = (gd.layout.font && gd.layout.font.size) || null;
    // Autosize removes a figure's own height once fitted (not when it also fixes the width).
    var height = gd.layout.width ? null : gd.layout.height;
    return font !== state.target || Boolean(height);
  }

  function watch(gd) {
    if (gd.dataset.presentationWatched || typeof gd.on !== 'function') return;
    gd.dataset.presentationWatched = '1';
    gd.on('plotly_afterplot', function () {
      if (needsFit(gd)) scheduleFit(false);
    });
  }

  /* A figure's title longer than the fitted chart is wide (its line breaks were chosen for
     its own type size) gets a smaller type: what puts it back is kept with the other sizes. */
  function fitTitle(gd, state) {
    var title = gd.querySelector('.g-gtitle .gtitle');
    var full = gd._fullLayout && gd._fullLayout.title;
    if (!title || !full || !full.font || !window.Plotly) return;
    var box = title.getBoundingClientRect();
    var chart = gd.getBoundingClientRect();
    var room = chart.right - box.left - 6;
    if (box.width <= 0 || box.right <= chart.right - 2 || room <= 0) return;
    var size = Math.floor(full.font.size * room / box.width * 10) / 10;
    if (!('title.font.size' in state.sizes)) {
      var own = gd.layout.title && gd.layout.title.font && gd.layout.title.font.size;
      state.sizes['title.font.size'] = own || null;
    }
    state.enlarged['title.font.size'] = size;
    window.Plotly.relayout(gd, { 'title.font.size': size }).catch(function () {});
  }

  function fitGraph(gd) {
    watch(gd);
    if (!window.Plotly || !needsFit(gd)) return;
    var state = charts.get(gd);
    var wrapper = wrapperOf(gd);
    if (!presenting()) {
      charts.delete(gd);
      wrapper.style.removeProperty('--chart-natural-height');
      var restore = Object.assign({ height: state.height }, state.sizes);
      window.Plotly.relayout(gd, restore).catch(function () {});
      return;
    }
    if (state && state.pending) return;
    var font = (gd.layout.font && gd.layout.font.size) || null;
    var height = gd.layout.height || null;
    if (!state || font !== state.target) {
      // Not fitted yet (or a new figure): remember its own sizes and enlarge every type size
      // by the same factor, so that the base size reaches the presentation size.
      var sizes = explicitFontSizes(gd.layout);
      var base = sizes['font.size'] || gd._fullLayout.font.size || 12;
      var factor = Math.max(1, presentationFontSize() / base);
      var enlarged = {};
      Object.keys(sizes).forEach(function (path) {
        enlarged[path] = Math.round(sizes[path] * factor * 10) / 10;
      });
      enlarged['font.size'] = Math.round(base * factor * 10) / 10;
      if (!('font.size' in sizes)) sizes['font.size'] = null;
      var panel = panelLayout(gd);
      if (panel) {
        Object.assign(enlarged, panel.change);
        Object.assign(sizes, panel.back);
      }
      state = {
        height: height || gd._fullLayout.height,
        sizes: sizes,
        enlarged: enlarged,
        target: enlarged['font.size']
      };
      charts.set(gd, state);
    } else if (height) {
      state.height = height;
    }
    wrapper.style.setProperty('--chart-natural-height', state.height + 'px');
    state.pending = true;
    var enlarge = font === state.target
      ? Promise.resolve()
      : window.Plotly.relayout(gd, state.enlarged);
    var finished = false;
    function done() {
      if (finished) return;
      finished = true;
      state.pending = false;
      if (needsFit(gd)) {
        scheduleFit(false);
      } else if (presenting()) {
        fitTitle(gd, state);
      }
    }
    enlarge.then(function () {
      return window.Plotly.Plots.resize(gd);
    }).catch(function () {}).then(done);
    window.setTimeout(done, 2000); // a resize superseded by another one may settle late
  }

  /* Fit every chart; after a change of mode also tell everything else that the page's
     layout changed. */
  function fitGraphs(modeChanged) {
    document.querySelectorAll('.js-plotly-plot').forEach(fitGraph);
    if (modeChanged) window.dispatchEvent(new Event('resize'));
  }

  var fitPending = null;
  function scheduleFit(modeChanged) {
    if (fitPending !== null) {
      fitPending = fitPending || modeChanged;
      return;
    }
    fitPending = modeChanged;
    window.requestAnimationFrame(function () {
      var changed = fitPending;
      fitPending = null;
      fitGraphs(changed);
    });
  }

  function isChart(node) {
    return node.nodeType === 1 && (node.classList.contains('js-plotly-plot') ||
      Boolean(node.querySelector && node.querySelector('.js-plotly-plot')));
  }

  /* --- the main view fills the first screen ------------------------------------------------ */

  /*
   * Each page's main view (the same list as in presentation.css): the overview's matrix, the
   * indicator's chart, a profile's SDG tiles, Jämför's panels, Målkonflikter's scatter and
   * Mål's goal list. While presenting, the height from its top to the bottom of the screen
   * (above the slideshow bar when one runs) goes to --presentation-view-height on the root,
   * which the style sheet sizes the view from; the view starts where the page puts it, so the
   * heading and whatever else stays above it are measured, not guessed.
   */
  var MAIN_VIEWS = [
    '#oversikt-matrix',
    '#indikator-series',
    '#kommun-tiles',
    '#jamfor-panels',
    'section:has(> #malkonflikter-scatter)',
    '#mal-goals'
  ];
  var VIEW_HEIGHT = '--presentation-view-height';
  var MIN_VIEW_HEIGHT = 160;
  /* Room left under the view (px), so that its edge is not the screen's. */
  var VIEW_MARGIN = 8;

  /* A projector's or a computer's screen (on a phone the views flow as on the normal page;
     the same width as in presentation.css). */
  var ROOM_SCREEN = window.matchMedia('(min-width: 48em)');

  function fittingViews() {
    return presenting() && ROOM_SCREEN.matches;
  }

  function mainView() {
    return document.querySelector(MAIN_VIEWS.map(function (selector) {
      return '#main ' + selector;
    }).join(', '));
  }

  function barHeight() {
    var bar = document.getElementById('bildspel-bar');
    return bar && !bar.hidden ? bar.getBoundingClientRect().height : 0;
  }

  /* The matrix's type: as large as lets the table fit its box (the table's height is nearly
     proportional to it), at most MAX_MATRIX_REM; a matrix with more indicators than can be
     named over their columns is drawn dense (the goals' numbers head the groups; see
     presentation.css). Fitted again only when the box or the table changes. */
  var MATRIX_FONT = '--presentation-matrix-font';
  var MIN_MATRIX_FONT = 9;
  var MAX_MATRIX_REM = 1.4;
  /* The narrowest column (in the matrix's em) that still shows an indicator's name. */
  var NAMED_COLUMN_EM = 3.2;
  /* Room the area names take (in em). */
  var AREA_COLUMN_EM = 9;
  var matrixFitted = new WeakMap();

  function setMatrixFont(box, font) {
    box.style.setProperty(MATRIX_FONT, (Math.round(font * 10) / 10) + 'px');
  }

  function fitMatrix() {
    var box = document.getElementById('oversikt-matrix');
    if (!box) return;
    var table = box.querySelector('.ov-matrix');
    var scroll = box.querySelector('.ov-scroll');
    if (!fittingViews() || !table || !scroll) {
      box.classList.remove('presentation-dense');
      box.style.removeProperty(MATRIX_FONT);
      matrixFitted.delete(box);
      return;
    }
    var width = scroll.clientWidth;
    var height = scroll.clientHeight;
    var done = matrixFitted.get(box);
    if (done && done.table === table && done.width === width && done.height === height) return;
    var root = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
    var most = root * MAX_MATRIX_REM;
    var font = parseFloat(window.getComputedStyle(table).fontSize) || root;
    var columns = table.querySelectorAll('th.ov-indicator').length;
    var perColumn = (width / font - AREA_COLUMN_EM) / Math.max(columns, 1);
    box.classList.toggle('presentation-dense', columns > 0 && perColumn < NAMED_COLUMN_EM);
    for (var i = 0; i < 6; i++) {
      var scale = Math.min(width / Math.max(table.offsetWidth, 1),
        height / Math.max(table.offsetHeight, 1));
      var next = Math.min(most, Math.max(MIN_MATRIX_FONT, font * scale));
      if (Math.abs(next - font) < 0.2) break;
      font = next;
      setMatrixFont(box, font);
    }
    for (var j = 0; j < 8 && font > MIN_MATRIX_FONT &&
        (table.offsetHeight > height || table.offsetWidth > width); j++) {
      font = Math.max(MIN_MATRIX_FONT, font * 0.97);
      setMatrixFont(box, font);
    }
    matrixFitted.set(box, { table: table, width: width, height: height });
  }

  /* A profile's SDG tiles: the style sheet's type (from the box's height), smaller while a
     tile's content is taller than the tile. */
  var MIN_TILE_FONT = 9;
  var tilesFitted = new WeakMap();

  function tileOverflows(tiles) {
    return Array.prototype.some.call(tiles.children, function (tile) {
      return tile.scrollHeight > tile.clientHeight + 1 || tile.scrollWidth > tile.clientWidth + 1;
    });
  }

  function fitTiles() {
    var tiles = document.getElementById('kommun-tiles');
    if (!tiles) return;
    if (!fittingViews()) {
      tiles.style.removeProperty('font-size');
      tilesFitted.delete(tiles);
      return;
    }
    var size = tiles.clientWidth + 'x' + tiles.clientHeight;
    if (tilesFitted.get(tiles) === size) return;
    tiles.style.removeProperty('font-size');
    var font = parseFloat(window.getComputedStyle(tiles).fontSize) || 16;
    for (var i = 0; i < 10 && font > MIN_TILE_FONT && tileOverflows(tiles); i++) {
      font = Math.max(MIN_TILE_FONT, font * 0.94);
      tiles.style.fontSize = (Math.round(font * 10) / 10) + 'px';
    }
    tilesFitted.set(tiles, size);
  }

  function fitView() {
    var root = document.documentElement;
    var view = fittingViews() ? mainView() : null;
    var value = '';
    if (view) {
      var top = view.getBoundingClientRect().top + window.scrollY;
      var room = root.clientHeight - top - barHeight() - VIEW_MARGIN;
      value = Math.max(MIN_VIEW_HEIGHT, Math.floor(room)) + 'px';
    }
    if (root.style.getPropertyValue(VIEW_HEIGHT) !== value) {
      if (value) {
        root.style.setProperty(VIEW_HEIGHT, value);
      } else {
        root.style.removeProperty(VIEW_HEIGHT);
      }
      scheduleFit(true); // the charts in the view follow its new height
    }
    fitMatrix();
    fitTiles();
  }

  var viewPending = false;
  function scheduleView() {
    if (viewPending) return;
    viewPending = true;
    window.requestAnimationFrame(function () {
      viewPending = false;
      fitView();
    });
  }

  window.addEventListener('resize', scheduleView);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(scheduleView);

  // The mode changing (class on the shell), the slideshow bar showing or going, the page
  // changing (nodes added or removed in it) and charts appearing (Plotly adds its class).
  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var mutation = mutations[i];
      if (mutation.type === 'attributes') {
        var target = mutation.target;
        if (target.id === 'shell') {
          scheduleFit(true);
          scheduleView();
        } else if (target.id === 'bildspel-bar') {
          scheduleView();
        } else if (target.classList.contains('js-plotly-plot') &&
            !(mutation.oldValue || '').includes('js-plotly-plot')) {
          scheduleFit(false);
        }
      } else {
        scheduleView();
        for (var j = 0; j < mutation.addedNodes.length; j++) {
          if (isChart(mutation.addedNodes[j])) scheduleFit(false);
        }
      }
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ['class', 'hidden']
  });

  /* --- slideshows: the address and the bar (layouts/parts/presentation.py) ---------------- */

  var DIGITS = /^[0-9]+$/;

  /* The last non-empty value of `name` in a query string ("" when none), as Python's parse_qs
     keeps it (pairs without a value are left out). */
  function lastValue(search, name) {
    var values = new URLSearchParams(search || '').getAll(name).filter(function (value) {
      return value !== '';
    });
    return values.length ? values[values.length - 1] : '';
  }

  /* The running slideshow's {id, step} from a query string with bildspel and steg (digits
     only), else null (running_step). */
  function runningStep(search) {
    var id = lastValue(search, 'bildspel');
    var step = lastValue(search, 'steg');
    if (!DIGITS.test(id) || !DIGITS.test(step)) return null;
    return { id: Number(id), step: Number(step) };
  }

  /* The address of step `step` (1-based) of slideshow `id` showing `view` (a stored view: a
     path inside the dashboard with its query): the view's own path and query with
     visa=presentation&bildspel=<id>&steg=<n> appended (step_url, spelled as urlsplit reads). */
  function stepUrl(view, id, step) {
    var text = String(view).replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
    var hash = text.indexOf('#');
    if (hash >= 0) text = text.slice(0, hash);
    var mark = text.indexOf('?');
    var path = mark >= 0 ? text.slice(0, mark) : text;
    var query = withoutPresentation(mark >= 0 ? text.slice(mark + 1) : '');
    var extra = 'visa=' + MODE + '&bildspel=' + id + '&steg=' + step;
    return (path || '/') + '?' + (query ? query + '&' : '') + extra;
  }

  /* What the bar shows at `step` of a slideshow's content ({id, name, views}): position, name
     and the neighbouring steps' addresses; null when there is no such slideshow or step
     (show_state). */
  function showState(show, step) {
    if (!show || !Array.isArray(show.views) || !(step >= 1 && step <= show.views.length)) {
      return null;
    }
    var count = show.views.length;
    function url(number) {
      if (number < 1 || number > count) return null;
      return stepUrl(show.views[number - 1], show.id, number);
    }
    return {
      id: show.id,
      name: show.name,
      step: step,
      count: count,
      position: 'Bild ' + step + ' av ' + count,
      previous: url(step - 1),
      next: url(step + 1)
    };
  }

  /* The bar's state for the current address, when `show` is the slideshow running there. */
  function currentState(show) {
    var running = runningStep(window.location.search);
    if (running === null || !show || show.id !== running.id) return null;
    return showState(show, running.step);
  }

  /* --- clientside callbacks ---------------------------------------------------------------- */

  function triggeredIds() {
    return (window.dash_clientside.callback_context.triggered || []).map(
      function (t) { return t.prop_id; }
    );
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.presentation = {
    runningStep: runningStep,
    stepUrl: stepUrl,
    showState: showState,

    /*
     * Which slideshow runs: [the id whose content to ask the server for, whether none runs].
     * The id is written only when a show starts (none ran before, or another one did), so a
     * step within a show and a page with no show running ask the server nothing. The toggle
     * and Avsluta end a running show (the address they rewrite is not seen as a navigation).
     */
    follow: function (search, toggleClicks, exitClicks, requested, idle) {
      var noUpdate = window.dash_clientside.no_update;
      var triggered = triggeredIds();
      var ended = triggered.indexOf('presentation-toggle.n_clicks') >= 0 ||
        triggered.indexOf('bildspel-exit.n_clicks') >= 0;
      var running = ended ? null : runningStep(window.location.search);
      if (running === null) return [noUpdate, idle ? noUpdate : true];
      if (running.id === requested && !idle) return [noUpdate, noUpdate];
      return [running.id, idle ? false : noUpdate];
    },

    mode: function (search, toggleClicks, exitClicks, show) {
      var triggered = triggeredIds();
      if (triggered.indexOf('presentation-toggle.n_clicks') >= 0) setMode(!isOn());
      if (triggered.indexOf('bildspel-exit.n_clicks') >= 0) setMode(false);
      var on = isOn();
      var state = currentState(show);
      return [
        on ? 'shell presentation' : 'shell',
        on ? 'Avsluta presentation' : 'Presentationsläge',
        on ? 'true' : 'false',
        state === null,
        state ? state.name : '',
        state ? state.position : '',
        !(state && state.previous),
        !(state && state.next)
      ];
    },

    step: function (previousClicks, nextClicks, show) {
      var state = currentState(show);
      if (state === null) return window.dash_clientside.no_update;
      var next = triggeredIds().indexOf('bildspel-next.n_clicks') >= 0;
      var target = next ? state.next : state.previous;
      if (!target) return window.dash_clientside.no_update;
      window.scrollTo(0, 0);
      return window.location.origin + target;
    }
  };

  /* --- keyboard ---------------------------------------------------------------------------- */

  var KEYS = {
    ArrowRight: 'bildspel-next',
    PageDown: 'bildspel-next',
    ArrowLeft: 'bildspel-prev',
    PageUp: 'bildspel-prev'
  };
  var EDITING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], ' +
    '[role="slider"], [role="combobox"], [role="listbox"], [role="textbox"]';

  document.addEventListener('keydown', function (event) {
    var id = KEYS[event.key];
    if (!id || event.defaultPrevented) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target && target.closest && target.closest(EDITING)) return;
    var bar = document.getElementById('bildspel-bar');
    var button = document.getElementById(id);
    if (!bar || bar.hidden || !button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
})();
