// ringfence console: draws the charts of a page (ECharts, loaded only on
// pages that have them) and follows the live flag list (server-sent
// events). No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  function drawCharts() {
    var els = document.querySelectorAll("[data-chart]");
    if (!els.length || typeof echarts === "undefined") { return; }
    els.forEach(function (el) {
      var c = JSON.parse(el.getAttribute("data-chart"));
      var chart = echarts.init(el, null, { renderer: "svg" });
      var list = c.series || [{ name: c.title, y: c.y }];
      var total = 0;
      var series = list.map(function (s) {
        total += s.y.reduce(function (a, b) { return a + b; }, 0);
        return { type: c.kind, name: s.name, data: s.y, stack: c.stack ? "all" : undefined };
      });
      chart.setOption({
        animation: false,
        title: { text: c.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: c.series ? { bottom: 0 } : undefined,
        grid: { left: 48, right: 16, top: 40, bottom: c.series ? 88 : 64 },
        xAxis: { type: "category", data: c.x, axisLabel: { rotate: 45, fontSize: 10 } },
        yAxis: { type: "value", minInterval: 1 },
        series: series
      });
      el.setAttribute("data-drawn", String(total));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function cell(tr, text) {
    var td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function followFlags() {
    var live = document.getElementById("live");
    var body = document.querySelector("#flags tbody");
    if (!live || !body || typeof EventSource === "undefined") { return; }
    var es = new EventSource(live.getAttribute("data-stream"));
    es.addEventListener("open", function () { live.classList.add("on"); });
    es.addEventListener("flag", function (ev) {
      var f = JSON.parse(ev.data);
      var empty = body.querySelector("tr.empty");
      if (empty) { empty.remove(); }
      var tr = document.createElement("tr");
      tr.className = "new";
      cell(tr, f.at);
      cell(tr, f.number);
      cell(tr, f.kind_text);
      cell(tr, f.score);
      cell(tr, f.campaign || "");
      var why = cell(tr, "");
      (f.reasons || []).forEach(function (r) {
        var d = document.createElement("div");
        d.textContent = r;
        why.appendChild(d);
      });
      body.insertBefore(tr, body.firstChild);
      var total = document.getElementById("flag-total");
      if (total) { total.textContent = String(Number(total.textContent) + 1); }
    });
    window.addEventListener("pagehide", function () { es.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    followFlags();
  });
})();
