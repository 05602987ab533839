// Behaviour every page may use, declared in the markup with data- attributes: the Content-Security-Policy
// allows no inline script or event handler (onclick=, onchange=...).
(function () {
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("focusin", function (event) {
    var field = event.target.closest("[data-select-on-focus]");
    if (field) field.select();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
