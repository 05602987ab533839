// The policy record form: show only the values of the chosen dimension; the form checks the pair again on the server.
(function () {
  var form = document.getElementById("policy-record-form");
  if (!form) return;
  var dimension = form.elements["dimension"];
  var value = form.elements["value"];
  function sync() {
    var chosen = dimension.value;
    Array.prototype.forEach.call(value.querySelectorAll("optgroup"), function (group) {
      var options = group.querySelectorAll("option");
      var fits = !chosen || (options.length && options[0].dataset.dimension === chosen);
      group.hidden = !fits;
      group.disabled = !fits;
    });
    var selected = value.options[value.selectedIndex];
    if (selected && selected.dataset.dimension && chosen && selected.dataset.dimension !== chosen) {
      // "None" belongs to several dimensions: keep it when the new dimension has it too.
      var same = value.querySelector('option[data-dimension="' + chosen + '"][value="' + selected.value + '"]');
      if (same) { same.selected = true; } else { value.value = ""; }
    }
  }
  dimension.addEventListener("change", sync);
  sync();
})();
