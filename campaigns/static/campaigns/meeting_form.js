// The meeting form: load another question set's questions in place, and add follow-up rows.
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) return;

  var setSelect = document.getElementById("id_question_set");
  var questions = document.getElementById("meeting-questions");
  var loadButton = document.getElementById("load-questions");
  if (setSelect && questions && window.htmx && !setSelect.disabled) {
    if (loadButton) loadButton.hidden = true;
    var previous = setSelect.value;
    setSelect.addEventListener("change", function () {
      var typed = Array.prototype.some.call(questions.querySelectorAll("textarea"), function (t) { return t.value.trim() !== ""; });
      if (typed && !window.confirm(form.dataset.confirmSetChange)) {
        setSelect.value = previous;
        return;
      }
      previous = setSelect.value;
      htmx.ajax("GET", form.dataset.questionsUrl + "?question_set=" + encodeURIComponent(setSelect.value), {target: questions, swap: "innerHTML"});
    });
  }

  var addButton = document.getElementById("add-follow-up");
  var template = document.getElementById("follow-up-template");
  var rows = document.getElementById("follow-up-rows");
  var total = document.getElementById("id_followup-TOTAL_FORMS");
  if (addButton && template && rows && total) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  }
})();
