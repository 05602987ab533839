// The map page's embed code: copy it; the text stays selectable by hand where the clipboard is not available.
(function () {
  var button = document.getElementById("embed-copy");
  var snippet = document.getElementById("embed-snippet");
  if (!button || !snippet) return;
  button.addEventListener("click", function () {
    snippet.select();
    var done = function () { button.lastChild.textContent = " " + button.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(snippet.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
})();
