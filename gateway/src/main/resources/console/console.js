// Model gateway console: draws the charts from the page's JSON (uPlot), marks the current page in the
// navigation, and asks before confirm-marked forms are sent. No inline script: the policy forbids it.
(function () {
  "use strict";
  var here = location.pathname;
  document.querySelectorAll("nav a").forEach(function (a) {
    if (a.getAttribute("href") === here) { a.setAttribute("aria-current", "page"); }
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    window.setTimeout(function () {
      if (document.visibilityState !== "hidden") { location.reload(); }
    }, 1000 * Number(refresh.getAttribute("data-refresh")));
  }
  var source = document.getElementById("chart-data");
  if (!source || typeof uPlot === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.x.length) { return; }
  var colors = ["#0b5cad", "#c05800", "#1b6e2d"];
  var charts = [];
  var first = data.x[0], last = data.x[data.x.length - 1];
  // The data's own extent; one bucket gets a day either side (uPlot would widen it to ~1000 days).
  function xRange() { return first === last ? [first - 86400, last + 86400] : [first, last]; }
  document.querySelectorAll(".plot[data-series]").forEach(function (el) {
    var set = data[el.getAttribute("data-series")];
    var names = Object.keys(set);
    var series = [{ value: function (u, v) { return v == null ? "" : new Date(v * 1000).toISOString().slice(0, 10); } }];
    var columns = [data.x];
    names.forEach(function (n, i) {
      series.push({ label: n, stroke: colors[i % colors.length], width: 2, points: { show: true } });
      columns.push(set[n]);
    });
    var opts = {
      width: Math.max(el.clientWidth, 200), height: 220, series: series,
      scales: { x: { time: true, range: xRange } }, axes: [{}, { size: 60 }], legend: { live: false }
    };
    charts.push({ el: el, plot: new uPlot(opts, columns, el) });
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 200), height: 220 }); });
  });
})();
