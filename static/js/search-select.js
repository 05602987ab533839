// Selects drawn by core.widgets.SearchSelect (marked data-search-url) become Tom Selects that ask the server
// for the options matching what is typed. The page draws only the chosen options; without this script the
// select still submits them. The words shown come from the select's data attributes, in the page's language.
(function () {
  "use strict";

  function searchSelect(select) {
    if (select.tomselect || !window.TomSelect) return;
    var data = select.dataset;
    // The field this one is narrowed by (the state of a county): its value goes with every search, under its
    // name without a form's prefix.
    var narrowedBy = data.searchDepends ? document.getElementById(data.searchDepends) : null;
    var plugins = {};
    if (select.multiple) plugins.remove_button = { title: data.searchRemove || "" };

    function keepEmptyAndChosen(option, value) {
      return value === "" || tom.items.indexOf(value) >= 0;
    }

    var tom = new TomSelect(select, {
      plugins: plugins,
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      // Every option that matches scores the same, so they are listed in the server's order (names that start
      // with the words first) rather than by Tom Select's own score.
      score: function (query) {
        var score = this.sifter.getScoreFunction(query, this.getSearchOptions());
        return function (item) {
          return score(item) > 0 ? 1 : 0;
        };
      },
      sortField: [{ field: "$order" }],
      maxOptions: null,
      loadThrottle: 250,
      preload: "focus",
      // The empty choice ("Any", "---------") stays a choice, shown and chosen like the others, as before.
      allowEmptyOption: true,
      load: function (query, callback) {
        var url = new URL(data.searchUrl, window.location.href);
        url.searchParams.set("q", query);
        if (narrowedBy) url.searchParams.set(narrowedBy.name.split("-").pop(), narrowedBy.value);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (json) {
            // What this search found, in the server's order; the empty choice and what is chosen stay.
            tom.clearOptions(keepEmptyAndChosen);
            callback(json.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = data.searchNoResults || "";
          return div;
        },
      },
    });

    // The options the page drew were numbered apart from those found later: number on after them, so that
    // each option has an id of its own and the empty choice stays first.
    tom.order = Object.keys(tom.options).reduce(function (highest, value) {
      return Math.max(highest, tom.options[value].$order || 0);
    }, tom.order);

    if (narrowedBy) {
      narrowedBy.addEventListener("change", function () {
        // Another state: what was chosen and found in the last one no longer applies.
        tom.clear();
        tom.clearOptions(keepEmptyAndChosen);
        if (tom.options[""]) tom.addItem("");
        tom.wrapper.classList.remove("preloaded");
      });
    }
  }

  function searchSelectsIn(root) {
    if (root.querySelectorAll) root.querySelectorAll("select[data-search-url]").forEach(searchSelect);
  }

  document.addEventListener("DOMContentLoaded", function () {
    searchSelectsIn(document);
  });
  // Parts of a page that htmx puts in (a form's rows) may carry search selects too.
  document.addEventListener("htmx:load", function (event) {
    searchSelectsIn(event.detail.elt);
  });
})();
