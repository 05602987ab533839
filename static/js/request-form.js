// The records request form: show the legal due date as soon as the sent date is known.
document.addEventListener("DOMContentLoaded", function () {
  var sent = document.getElementById("id_sent_on");
  var target = document.getElementById("due-preview");
  if (!sent || !target || !window.htmx) return;
  function preview() {
    if (!sent.value) { target.innerHTML = ""; return; }
    htmx.ajax("GET", target.dataset.previewUrl + "?sent_on=" + encodeURIComponent(sent.value), {target: target, swap: "innerHTML"});
  }
  sent.addEventListener("change", preview);
  preview();
});
