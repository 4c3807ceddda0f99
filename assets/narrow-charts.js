/*
 * Charts on a narrow screen (a phone held upright).
 *
 * The figures (layouts/parts/figures.py and the pages' own) are drawn for a wide screen: the
 * time series keep their legend to the right of the plot and a year axis has a tick per year.
 * On a 390 px screen that legend leaves the plot about 100 px wide and the year labels pile
 * up. So a chart narrower than NARROW px gets, here in the browser:
 *   - its legend under the plot, in rows (Plotly wraps a horizontal legend to the width), and
 *     the chart grows by the legend's height, so the plot keeps its own height;
 *   - on every x axis that counts years (a fixed tick step), a step that leaves each label
 *     about TICK_ROOM px;
 *   - a title that wraps onto several lines instead of running out of the chart.
 * A chart that gets wider again (a phone turned sideways) gets its own settings back, and a new
 * figure from the server (a callback) is adjusted anew. Wide screens and print are left as the
 * figures are drawn. In presentation mode the chart's height is presentation.js's (the legend
 * and the ticks are still adjusted).
 */
(function () {
  'use strict';

  var NARROW = 600;
  var TICK_ROOM = 46;
  var STEPS = [1, 2, 5, 10, 20, 25, 50, 100];
  /* The custom property that gives a grown chart's box its height (assets/style.css). */
  var HEIGHT_PROPERTY = '--narrow-chart-height';
  /* What an adjusted chart has changed, by chart: {applied: {path: value}, original: {…}}. */
  var adjusted = new WeakMap();

  function presenting() {
    return document.querySelector('.shell.presentation') !== null;
  }

  function isNarrow(gd) {
    var width = gd.getBoundingClientRect().width;
    return width > 0 && width < NARROW;
  }

  /* The value at a dotted path ("legend.orientation") of a layout, or undefined. */
  function valueAt(layout, path) {
    return path.split('.').reduce(function (value, key) {
      return value && typeof value === 'object' ? value[key] : undefined;
    }, layout);
  }

  function xAxisNames(layout) {
    return Object.keys(layout).filter(function (key) { return /^xaxis[0-9]*$/.test(key); });
  }

  /* A tick step for a year axis `length` px long that leaves each label about TICK_ROOM px. */
  function yearStep(axis, own, length) {
    var range = axis.range || [];
    var span = Math.abs(Number(range[1]) - Number(range[0]));
    if (!(span > 0) || !(length > 0)) return own;
    var labels = Math.max(2, Math.floor(length / TICK_ROOM));
    for (var i = 0; i < STEPS.length; i++) {
      if (STEPS[i] >= own && span / STEPS[i] <= labels) return STEPS[i];
    }
    return STEPS[STEPS.length - 1];
  }

  /* A title's text with each of its lines wrapped at its spaces onto lines of about `chars`
     characters. */
  function wrapped(text, chars) {
    var lines = [];
    String(text).split('<br>').forEach(function (own) {
      var line = '';
      own.split(' ').forEach(function (word) {
        if (line && (line + ' ' + word).length > chars) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + ' ' + word : word;
        }
      });
      lines.push(line);
    });
    return lines.join('<br>');
  }

  function longestLine(text) {
    return Math.max.apply(null, String(text).split('<br>').map(function (line) {
      return line.length;
    }));
  }

  /* How many characters of a `size` px font fit in `width` px. */
  function charsIn(width, size) {
    return Math.max(16, Math.floor(width / (size * 0.62)));
  }

  /* The changes that fit the chart to its narrow width: {path: value}. */
  function narrowChanges(gd) {
    var layout = gd.layout;
    var full = gd._fullLayout;
    var size = full._size || {};
    var changes = {};
    // The plot's width once the legend is below it (the figure's own side margins).
    var margin = full.margin || {};
    var addedLines = 0;
    var plotWidth = gd.getBoundingClientRect().width - (margin.l || 0) - (margin.r || 0);
    xAxisNames(layout).forEach(function (name) {
      if (!full[name]) return;
      var own = Number(valueAt(layout, name + '.dtick'));
      var domain = full[name].domain || [0, 1];
      var length = plotWidth * (domain[1] - domain[0]);
      var axisTitle = valueAt(layout, name + '.title.text');
      if (typeof axisTitle === 'string') {
        var axisFont = Number(valueAt(full, name + '.title.font.size')) || 13;
        var fits = charsIn(length, axisFont);
        if (longestLine(axisTitle) > fits) {
          changes[name + '.title.text'] = wrapped(axisTitle, fits);
          if (name === 'xaxis') {
            addedLines = changes[name + '.title.text'].split('<br>').length -
              axisTitle.split('<br>').length;
          }
        }
      }
      if (!(own >= 1)) return;  // not a year axis (no fixed step)
      var step = yearStep(full[name], own, length);
      if (step !== own) changes[name + '.dtick'] = step;
    });
    var legend = layout.legend || {};
    var above = legend.orientation === 'h' && Number(legend.y) >= 1;
    if (layout.showlegend !== false && (legend.orientation !== 'h' || above)) {
      // Just below the x axis's labels and title (the bottom margin and the lines the title
      // gained above), in the plot's units.
      var below = Math.max(30, (size.b || 60) + addedLines * 22 - 6) / Math.max(100, size.h || 300);
      changes['legend.orientation'] = 'h';
      changes['legend.x'] = 0;
      changes['legend.xanchor'] = 'left';
      changes['legend.y'] = -Math.round(below * 1000) / 1000;
      changes['legend.yanchor'] = 'top';
    }
    var title = valueAt(layout, 'title.text');
    if (typeof title === 'string') {
      var font = Number(valueAt(full, 'title.font.size')) || 17;
      var chars = charsIn(gd.getBoundingClientRect().width - 16, font);
      if (longestLine(title) > chars) {
        // Wrapped, from the top of the chart, with a top margin for its lines.
        var text = wrapped(title, chars);
        var lines = text.split('<br>').length;
        changes['title.text'] = text;
        changes['title.yref'] = 'container';
        changes['title.y'] = 1;
        changes['title.yanchor'] = 'top';
        // Plotly anchors a title's first line: the lines after it would run above the top.
        changes['title.pad.t'] = Math.ceil(8 + (lines - 1) * font * 0.9);
        changes['margin.t'] = Math.max(Number(margin.t) || 0, Math.ceil(lines * font * 1.3 + 28));
      }
    }
    return changes;
  }

  /* Whether what was changed is still in the chart's layout (a new figure from the server
     replaces the layout; Dash also renews it after every relayout, keeping the changes). */
  function stillApplied(gd, state) {
    return Object.keys(state.applied).every(function (path) {
      return valueAt(gd.layout, path) === state.applied[path];
    });
  }

  /* The legend's whole height: its box, or its entries where Plotly had to let them scroll
     (a clip does not shorten their bounding box). */
  function legendHeight(gd) {
    var legend = gd.querySelector('g.legend');
    if (!legend) return 0;
    var entries = legend.querySelector('.scrollbox');
    var box = legend.getBoundingClientRect();
    var top = box.top;
    var bottom = box.bottom;
    if (entries) bottom = Math.max(bottom, entries.getBoundingClientRect().bottom);
    return Math.ceil(bottom - top);
  }

  function wrapperOf(gd) {
    return gd.closest('.dash-graph') || gd.parentElement;
  }

  /* The chart's own height (before it grew), per chart. */
  var ownHeights = new WeakMap();

  function setHeight(gd, height) {
    var wrapper = wrapperOf(gd);
    var current = wrapper.style.getPropertyValue(HEIGHT_PROPERTY);
    var wanted = height ? height + 'px' : '';
    if (current === wanted) return false;
    if (height) wrapper.style.setProperty(HEIGHT_PROPERTY, wanted);
    else wrapper.style.removeProperty(HEIGHT_PROPERTY);
    return true;
  }

  /* The chart grows by its legend moved below the plot and by its title's added lines, so the
     plot keeps its height (the box's height is the style sheet's, from HEIGHT_PROPERTY;
     Plotly's autosize fills it). Not while presenting: presentation.js sizes the chart then. */
  function grow(gd, state) {
    var wanted = null;
    var moved = state.applied['legend.orientation'] === 'h';
    if (!presenting() && (moved || state.extraTop > 0)) {
      wanted = ownHeights.get(gd) + state.extraTop + (moved ? legendHeight(gd) + 8 : 0);
      var current = parseFloat(wrapperOf(gd).style.getPropertyValue(HEIGHT_PROPERTY)) || 0;
      if (Math.abs(current - wanted) < 6) return;
    }
    if (setHeight(gd, wanted)) window.Plotly.Plots.resize(gd).catch(function () {});
  }

  function restore(gd, state) {
    adjusted.delete(gd);
    var back = {};
    Object.keys(state.original).forEach(function (path) {
      var value = state.original[path];
      back[path] = value === undefined ? null : value;
    });
    var resized = setHeight(gd, null);
    var done = Object.keys(back).length
      ? window.Plotly.relayout(gd, back)
      : Promise.resolve();
    done.then(function () {
      if (resized) return window.Plotly.Plots.resize(gd);
    }).catch(function () {});
  }

  function fit(gd) {
    if (!window.Plotly || !gd.layout || !gd._fullLayout) return;
    watch(gd);
    var state = adjusted.get(gd);
    if (state && state.pending) return;
    if (state && !stillApplied(gd, state)) {
      adjusted.delete(gd);  // a new figure: adjusted anew below
      state = undefined;
    }
    if (!isNarrow(gd)) {
      if (state) restore(gd, state);
      return;
    }
    if (state) {
      grow(gd, state);
      return;
    }
    var changes = narrowChanges(gd);
    if (!Object.keys(changes).length) return;
    if (!ownHeights.has(gd)) ownHeights.set(gd, gd._fullLayout.height);
    var extraTop = (changes['margin.t'] || 0) - (Number(gd._fullLayout.margin.t) || 0);
    state = { applied: changes, original: {}, pending: true, extraTop: Math.max(0, extraTop) };
    Object.keys(changes).forEach(function (path) {
      state.original[path] = valueAt(gd.layout, path);
    });
    adjusted.set(gd, state);
    window.Plotly.relayout(gd, changes).catch(function () {}).then(function () {
      state.pending = false;
      schedule();
    });
  }

  function watch(gd) {
    if (gd.dataset.narrowWatched || typeof gd.on !== 'function') return;
    gd.dataset.narrowWatched = '1';
    gd.on('plotly_afterplot', function () { schedule(); });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      document.querySelectorAll('.js-plotly-plot').forEach(fit);
    });
  }

  function isChart(node) {
    return node.nodeType === 1 && (node.classList.contains('js-plotly-plot') ||
      Boolean(node.querySelector && node.querySelector('.js-plotly-plot')));
  }

  // Charts appearing (Plotly adds its class to the graph's div once drawn).
  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var mutation = mutations[i];
      if (mutation.type === 'attributes') {
        if (mutation.target.classList.contains('js-plotly-plot')) schedule();
        continue;
      }
      for (var j = 0; j < mutation.addedNodes.length; j++) {
        if (isChart(mutation.addedNodes[j])) {
          schedule();
          return;
        }
      }
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['class']
  });

  window.addEventListener('resize', schedule);
})();
