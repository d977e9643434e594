// report.html behaviour: sortable units table, search box and filters, per-unit print (整改通知),
// ECharts charts. Everything the page shows is already in the HTML; this script only hides,
// orders and draws, so the page still reads (and prints) with scripts off.
(function () {
  "use strict";
  var table = document.getElementById("units-table");

  // -- sorting: numbers by value, text by zh collation; empty cells last either way --------------
  function sortBy(th, col, asc) {
    var num = th.dataset.type === "num", body = table.tBodies[0];
    table.querySelectorAll("th.sortable").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
      if (x === "" || y === "") { return (x === "") - (y === ""); }
      var d = num ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "zh");
      return asc ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  if (table) {
    table.querySelectorAll("th.sortable").forEach(function (th, col) {
      th.addEventListener("click", function () { sortBy(th, col, th.getAttribute("aria-sort") !== "ascending"); });
    });
  }

  // -- search and filters -----------------------------------------------------------------------
  var controls = {};
  ["search", "f-unit", "f-region", "f-level", "f-grade", "f-category", "f-rule", "f-severity", "f-status"]
    .forEach(function (id) { controls[id] = document.getElementById(id); });
  function value(id) { return controls[id] ? controls[id].value.trim() : ""; }
  function has(list, v) { return !v || (" " + (list || "") + " ").indexOf(" " + v + " ") >= 0; }

  function rowMatches(el, q) {
    var d = el.dataset;
    if (value("f-unit") && (d.unit || "") !== value("f-unit")) { return false; }
    if (value("f-region") && (d.region || "") !== value("f-region")) { return false; }
    if (value("f-level") && (d.level || "") !== value("f-level")) { return false; }
    if (value("f-grade") && (d.grade || "") !== value("f-grade")) { return false; }
    if (value("f-status") && (d.status || "") !== value("f-status")) { return false; }
    if (!has(d.categories, value("f-category")) || !has(d.rules, value("f-rule")) ||
        !has(d.severities, value("f-severity"))) { return false; }
    return !q || (d.search || "").indexOf(q) >= 0;
  }
  function findingMatches(li, q) {
    var d = li.dataset;
    if (value("f-category") && d.category !== value("f-category")) { return false; }
    if (value("f-rule") && d.rule !== value("f-rule")) { return false; }
    if (value("f-severity") && d.severity !== value("f-severity")) { return false; }
    return true;
  }
  function applyFilters() {
    var q = value("search").toLowerCase(), shown = 0, total = 0;
    var visible = {};
    document.querySelectorAll("#units-table tbody tr").forEach(function (tr) {
      var ok = rowMatches(tr, q);
      tr.classList.toggle("hidden", !ok);
      total += 1; if (ok) { shown += 1; visible[tr.dataset.report] = true; }
    });
    document.querySelectorAll("section.unit").forEach(function (sec) {
      var ok = rowMatches(sec, q);
      sec.classList.toggle("hidden", !ok);
      sec.querySelectorAll("li.finding").forEach(function (li) { li.classList.toggle("hidden", !findingMatches(li, q)); });
    });
    var count = document.getElementById("shown-count");
    if (count) { count.textContent = "显示 " + shown + " / " + total + " 份报告"; }
  }
  Object.keys(controls).forEach(function (id) {
    var el = controls[id];
    if (el) { el.addEventListener(el.tagName === "INPUT" ? "input" : "change", applyFilters); }
  });
  var reset = document.getElementById("f-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      Object.keys(controls).forEach(function (id) { if (controls[id]) { controls[id].value = ""; } });
      applyFilters();
    });
  }
  window.auditApplyFilters = applyFilters;

  // -- per-unit sections: collapse on screen, print one unit alone as a 整改通知 -----------------
  window.auditPrintUnit = function (id, print) {
    var sec = document.getElementById(id);
    if (!sec) { return; }
    document.querySelectorAll("section.unit.print-target").forEach(function (s) { s.classList.remove("print-target"); });
    sec.classList.add("print-target");
    document.body.classList.add("print-one");
    if (print !== false) { window.print(); }
  };
  window.auditPrintAll = function () {
    document.body.classList.remove("print-one");
    document.querySelectorAll("section.unit.print-target").forEach(function (s) { s.classList.remove("print-target"); });
  };
  window.addEventListener("afterprint", window.auditPrintAll);
  document.querySelectorAll("section.unit").forEach(function (sec) {
    var p = sec.querySelector("button.print-unit"), t = sec.querySelector("button.toggle-unit");
    if (p) { p.addEventListener("click", function () { window.auditPrintUnit(sec.id, true); }); }
    if (t) { t.addEventListener("click", function () { sec.classList.toggle("collapsed"); }); }
  });

  // -- charts (ECharts; data embedded as JSON) ---------------------------------------------------
  var data = document.getElementById("chart-data");
  if (window.echarts && data) {
    var charts = JSON.parse(data.textContent);
    Object.keys(charts).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = charts[id];
      var chart = window.echarts.init(el, null, {renderer: "svg"});
      chart.setOption({
        title: {text: c.title, left: "center", textStyle: {fontSize: 15}},
        tooltip: {trigger: "axis", formatter: function (ps) {
          var p = ps[0], tip = (c.tips && c.tips[p.dataIndex]) || p.name;
          return tip + "：" + p.value + " " + c.unit;
        }},
        grid: {left: 50, right: 20, top: 50, bottom: c.rotate ? 120 : 50},
        xAxis: {type: "category", data: c.labels, name: c.xname, nameLocation: "middle", nameGap: c.rotate ? 105 : 30,
                axisLabel: {rotate: c.rotate || 0, interval: 0, fontSize: 11}},
        yAxis: {type: "value", name: c.yname, minInterval: 1},
        series: [{type: "bar", data: c.values, itemStyle: {color: c.colour}}],
        animation: false
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  applyFilters();
})();
