// The policy record form: show only the values of the chosen dimension (and the warrant question for holds);
// the form checks the pair again on the server.
(function () {
  var form = document.getElementById("policy-record-form");
  if (!form) return;
  var dimension = form.elements["dimension"];
  var value = form.elements["value"];
  var warrant = form.elements["judicial_warrant"];
  var warrantField = document.getElementById("div_id_judicial_warrant");
  function sync() {
    var chosen = dimension.value;
    // Only a holds record says whether a judicial warrant is required.
    if (warrantField && warrant) {
      warrantField.hidden = Boolean(chosen) && chosen !== "holds";
      if (warrantField.hidden) warrant.value = "unknown";
    }
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
