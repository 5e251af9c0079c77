/* The head-end console's only script: live panels and charts. Pages work without it (forms post,
   links open); it refreshes [data-refresh] panels from the server's own HTML and draws the charts. */
(function () {
  'use strict';

  // Live panels: the server renders the fragment; a panel holding [data-done] stops refreshing.
  // A panel with the keyboard focus inside is left alone, so that refreshing never moves the focus.
  document.querySelectorAll('[data-refresh]').forEach(function (panel) {
    var every = parseInt(panel.getAttribute('data-every') || '5000', 10);
    var finished = function () { return panel.querySelector('[data-done]') !== null; };
    if (finished()) return;
    var timer = setInterval(function () {
      if (panel.contains(document.activeElement) && document.activeElement !== document.body) return;
      fetch(panel.getAttribute('data-refresh'), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) {
          if (r.redirected) throw new Error('your session has ended: sign in again');
          if (!r.ok) throw new Error('the head-end answered ' + r.status);
          return r.text();
        })
        .then(function (html) {
          panel.innerHTML = html;
          panel.classList.remove('stale');
          panel.removeAttribute('data-problem');
          if (finished()) clearInterval(timer);
        })
        .catch(function (e) {
          panel.classList.add('stale');
          panel.setAttribute('data-problem', e.message);
        });
    }, every);
  });

  // Charts (uPlot, served from its webjar): indexes as lines, daily consumption and quarter-hours as bars.
  var holder = document.querySelector('[data-chart-src]');
  if (!holder) return;
  var status = document.getElementById('chart-status');
  if (!window.uPlot) {
    status.textContent = 'The chart library did not load.';
    return;
  }
  var plots = [];
  fetch(holder.getAttribute('data-chart-src'), { credentials: 'same-origin' })
    .then(function (r) {
      if (!r.ok) throw new Error('the head-end answered ' + r.status);
      return r.json();
    })
    .then(function (d) {
      var points = 0;
      points += plot('chart-indexes', d.indexes, [
        { label: 'Import day (kWh)', stroke: '#1f5fa8' }, { label: 'Import night (kWh)', stroke: '#6f42c1' },
        { label: 'Export day (kWh)', stroke: '#1e7b34' }, { label: 'Export night (kWh)', stroke: '#8a6d00' }], false);
      points += plot('chart-daily', d.daily, [
        { label: 'Import (kWh)', stroke: '#1f5fa8', fill: 'rgba(31,95,168,0.7)', align: -1 },
        { label: 'Export (kWh)', stroke: '#1e7b34', fill: 'rgba(30,123,52,0.7)', align: 1 }], true);
      points += plot('chart-intervals', d.intervals, [{ label: 'Import (Wh)', stroke: '#b35900', fill: 'rgba(179,89,0,0.6)' }], true);
      holder.setAttribute('data-points', String(points));
      status.textContent = points === 0 ? 'No reads stored yet for the charts.' : 'Charts drawn from ' + points + ' values.';
    })
    .catch(function (e) { status.textContent = 'The charts could not be loaded: ' + e.message; });

  function plot(id, data, series, bars) {
    var el = document.getElementById(id);
    var n = data[0].length;
    el.setAttribute('data-points', String(n));
    if (n === 0) {
      el.textContent = 'No data yet.';
      return 0;
    }
    var opts = {
      width: Math.max(260, el.clientWidth), height: 220,
      scales: { x: { time: true } },
      axes: [{}, { size: 70 }],
      series: [{}].concat(series.map(function (s) {
        var out = { label: s.label, stroke: s.stroke, width: bars ? 1 : 2 };
        if (bars) {
          out.fill = s.fill;
          // side by side when there are two: one left of the day, one right of it
          out.paths = uPlot.paths.bars({ size: [s.align ? 0.4 : 0.7, 40], align: s.align || 0 });
          out.points = { show: false };
        }
        return out;
      }))
    };
    plots.push({ el: el, chart: new uPlot(opts, data, el) });
    el.setAttribute('data-drawn', 'true');
    return n;
  }

  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.chart.setSize({ width: Math.max(260, p.el.clientWidth), height: 220 }); });
  });
})();
