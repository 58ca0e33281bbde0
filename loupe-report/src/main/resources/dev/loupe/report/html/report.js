// Sortable tables: click a header; numeric columns sort by data-v (cells without it sort last).
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var num = th.dataset.type === "num", idx = th.cellIndex;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[idx], y = b.cells[idx];
      if (num) {
        var hx = x.hasAttribute("data-v"), hy = y.hasAttribute("data-v");
        if (!hx || !hy) { return hx === hy ? 0 : (hx ? -1 : 1); }
        var d = parseFloat(x.dataset.v) - parseFloat(y.dataset.v);
        return asc ? d : -d;
      }
      var c = x.textContent.localeCompare(y.textContent, undefined, {numeric: true});
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
// Figure grids: optionally show only figures tagged "flagged".
function loupeFilter(box) {
  box.parentNode.nextElementSibling.querySelectorAll("figure").forEach(function (f) {
    f.style.display = box.checked && f.dataset.tag !== "flagged" ? "none" : "";
  });
}
