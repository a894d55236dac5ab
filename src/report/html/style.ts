/** The report's style sheet and its one script (hover highlighting, the "hide info" toggle). */

export const REPORT_CSS = [
  "body{font:14px/1.45 system-ui,sans-serif;color:#1d2733;margin:0 auto;padding:0 1.2em 2em;max-width:1800px}",
  "h1{font-size:1.35em;margin:.8em 0 .2em;overflow-wrap:anywhere}h2{font-size:1.15em;border-bottom:1px solid #d5dde6;margin-top:1.6em}h3{font-size:1em}h4{margin:.6em 0 .2em;font-size:.95em}",
  ".meta,footer,small{color:#4b5866}footer{margin-top:2em;font-size:.9em}",
  "nav a{color:#2b5d8f}",
  // The picture, each matrix and each list table scroll sideways in their own box: a section clips what overflows it.
  ".picture,.matrix,.scroll{overflow-x:auto;max-width:100%}",
  // Large hosts: sections below the fold are laid out when scrolled to, not at load.
  "section{content-visibility:auto;contain-intrinsic-size:auto 900px}",
  "details.fold{margin:.3em 0}",
  ".maps{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}",
  ".maps>*{min-width:0;max-width:100%}",
  "table.list{border-collapse:collapse;margin:.4em 0 1em}",
  // Cells break between words; paths and messages (td.any) anywhere; codes and severities never.
  "table.list th,table.list td{border-bottom:1px solid #e3e8ee;padding:3px 8px;text-align:left;vertical-align:top}",
  "table.list td.any{overflow-wrap:anywhere}table.list .sev,table.findings code{white-space:nowrap}",
  "table.list th{background:#f2f5f8}",
  ".sev{font-weight:600}.sev.error{color:#b3261e}.sev.warning{color:#9a6700}.sev.info{color:#4b5866}",
  "body.hide-info tr.sev-info{display:none}",
  "pre{background:#f6f8fa;padding:.6em .8em;overflow-x:auto;font-size:12.5px}",
  "ul.cols{columns:22em;margin:.2em 0}",
  "details.node-detail{margin:.3em 0}details summary{cursor:pointer}",
  ".hl{background:#ffe9a8}",
  // Paper: everything laid out (no lazy sections), nothing scrolls, so nothing may be wider than
  // the page: the picture scales down, pre-formatted lines wrap; colours are kept.
  "@media print{*{-webkit-print-color-adjust:exact;print-color-adjust:exact}" +
    "body{max-width:none;padding:0}section{content-visibility:visible}nav,.js-only{display:none}" +
    ".picture,.matrix,.scroll{overflow:visible}svg.host{max-width:100%;height:auto}" +
    "pre{white-space:pre-wrap;overflow-wrap:anywhere}}",
].join("\n");

/** Runs after the body is parsed; every element it touches exists without it. */
export const REPORT_SCRIPT = `(function () {
  "use strict";
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  var hide = document.getElementById("hide-info");
  if (hide) hide.addEventListener("change", function () { document.body.classList.toggle("hide-info", hide.checked); });
  function clear() { document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); }); }
  function markNode(node) {
    document.querySelectorAll("[data-node]").forEach(function (el) { if (el.getAttribute("data-node") === node && el.tagName !== "TH") el.classList.add("hl"); });
    document.querySelectorAll("table.heat").forEach(function (tb) {
      var head = tb.tHead && tb.tHead.rows[0], body = tb.tBodies[0], cols = [];
      if (!head || !body) return;
      for (var i = 1; i < head.cells.length; i++) if (head.cells[i].getAttribute("data-node") === node) cols.push(i);
      for (var r = 0; r < body.rows.length; r++) {
        var row = body.rows[r], own = row.cells[0].getAttribute("data-node") === node;
        for (var c = 1; c < row.cells.length; c++) if (own || cols.indexOf(c) >= 0) row.cells[c].classList.add("hl");
      }
    });
  }
  function markCell(td) {
    var tb = td.closest("table"), c = td.cellIndex, tr = td.parentElement;
    for (var r = 0; r < tb.rows.length; r++) { var x = tb.rows[r].cells[c]; if (x) x.classList.add("hl"); }
    for (var k = 0; k < tr.cells.length; k++) tr.cells[k].classList.add("hl");
    [tr.cells[0], tb.tHead && tb.tHead.rows[0].cells[c]].forEach(function (th) {
      var n = th && th.getAttribute("data-node");
      if (n !== null && n !== undefined) document.querySelectorAll("svg [data-node]").forEach(function (g) { if (g.getAttribute("data-node") === n) g.classList.add("hl"); });
    });
  }
  document.addEventListener("mouseover", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    clear();
    var cell = t.closest("table.heat td, table.heat th");
    if (cell) {
      var n = cell.getAttribute("data-node");
      if (n !== null) markNode(n); else if (cell.tagName === "TD") markCell(cell);
      return;
    }
    var g = t.closest("[data-node]");
    if (g) markNode(g.getAttribute("data-node"));
  });
})();`;
