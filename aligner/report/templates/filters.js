// The findings filters: the only script on the page. Without it every row shows and the
// (hidden) filter form stays hidden; with it, each select hides the rows that do not match.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  if (!form || !table) { return; }
  var selects = form.querySelectorAll("select[data-filter]");
  var rows = table.tBodies[0].rows;
  var shown = document.getElementById("shown");
  function apply() {
    var visible = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], match = true;
      for (var j = 0; j < selects.length; j++) {
        var want = selects[j].value;
        if (want && row.getAttribute("data-" + selects[j].getAttribute("data-filter")) !== want) {
          match = false;
        }
      }
      row.hidden = !match;
      if (match) { visible++; }
    }
    shown.textContent = visible + " of " + rows.length + " findings";
  }
  for (var k = 0; k < selects.length; k++) { selects[k].addEventListener("change", apply); }
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
