// The staff dashboard: four Chart.js charts and the campaigns over the county policy map.
// Every number comes from the page (#dashboard-charts; #dashboard-map-data, the campaigns by county) or the
// map's own cached JSON (/jurisdictions/map/data.json); every visible string comes from the page too
// (#dashboard-charts, #dashboard-map-strings).
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Colours follow the stage badges of the campaign pages (Bootstrap's palette).
  var STAGE_COLOURS = {
    research: "#6ea8fe",
    coalition: "#3d8bfd",
    engaging: "#0d6efd",
    proposal: "#0a58ca",
    decision_pending: "#ffc107",
    won: "#198754",
    lost: "#dc3545",
    monitoring: "#0dcaf0",
    paused: "#6c757d",
  };

  function drawCharts(data) {
    if (!window.Chart || !data) return;
    // No animation: the numbers are the point, and a chart half-grown is a wrong chart for a moment.
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.display = false;
    var integerTicks = { precision: 0 };

    function bar(id, labels, datasets, options) {
      var canvas = document.getElementById(id);
      if (!canvas) return null;
      return new Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: datasets },
        options: Object.assign({ responsive: true }, options || {}),
      });
    }

    bar(
      "chart-stages",
      data.stages.labels,
      [
        {
          label: data.strings.campaigns,
          data: data.stages.values,
          backgroundColor: data.stages.keys.map(function (key) {
            return STAGE_COLOURS[key] || "#0d6efd";
          }),
        },
      ],
      { scales: { y: { beginAtZero: true, ticks: integerTicks } } }
    );
    bar(
      "chart-months",
      data.months.labels,
      [
        { label: data.strings.won, data: data.months.won, backgroundColor: STAGE_COLOURS.won },
        { label: data.strings.lost, data: data.months.lost, backgroundColor: STAGE_COLOURS.lost },
      ],
      {
        plugins: { legend: { display: true, position: "bottom" } },
        scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, beginAtZero: true, ticks: integerTicks } },
      }
    );
    // Long labels (goals) are shortened on the axis; the tooltip and the table beside give them whole.
    function shortLabel(value) {
      var label = String(this.getLabelForValue(value));
      return label.length > 24 ? label.slice(0, 23) + "…" : label;
    }
    var horizontal = {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: integerTicks }, y: { ticks: { callback: shortLabel, autoSkip: false } } },
    };
    bar(
      "chart-goals",
      data.goals.labels,
      [{ label: data.strings.campaigns, data: data.goals.values, backgroundColor: "#0d6efd" }],
      horizontal
    );
    bar(
      "chart-states",
      data.states.labels,
      [{ label: data.strings.campaigns, data: data.states.values, backgroundColor: "#6610f2" }],
      horizontal
    );
  }

  // --- the map ------------------------------------------------------------------------------------

  var W = 975;
  var H = 610;

  // counts: {county FIPS: [campaigns, still being fought, won, lost]}.
  function drawMap(counts, S) {
    var root = document.getElementById("dash-map");
    if (!root || !window.d3 || !window.topojson || !counts || !S) return;
    var status = document.getElementById("dash-map-status");
    var tooltip = document.getElementById("dash-map-tooltip");
    var svg = d3.select("#dash-map-svg");
    var projection = d3.geoAlbersUsa().scale(1300).translate([W / 2, H / 2]);
    var path = d3.geoPath(projection);
    var numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

    // Level colours are app.css's level-* classes, read from the legend so there is one source.
    var levelColour = {};
    document.querySelectorAll(".dash-map-legend [data-level]").forEach(function (node) {
      levelColour[node.getAttribute("data-level")] = getComputedStyle(node).backgroundColor;
    });

    function loaded(response) {
      if (!response.ok) throw new Error(response.status + " " + response.url);
      return response.json();
    }

    function detailUrl(id) {
      return root.dataset.detailUrl.replace(/\/0\/$/, "/" + id + "/");
    }

    function describe(county) {
      var box = document.createElement("div");
      var title = document.createElement("div");
      title.className = "fw-semibold";
      title.textContent = county.name;
      box.appendChild(title);
      var c = county.campaigns;
      [
        [S.campaigns, c[0]],
        [S.active, c[1]],
        [S.won, c[2]],
        [S.lost, c[3]],
      ].forEach(function (pair) {
        if (!pair[1] && pair[0] !== S.campaigns) return;
        var line = document.createElement("div");
        line.textContent = pair[0] + ": " + numberFormat.format(pair[1]);
        box.appendChild(line);
      });
      return box;
    }

    Promise.all([
      fetch(root.dataset.atlasUrl).then(loaded),
      fetch(root.dataset.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(loaded),
    ])
      .then(function (results) {
        var atlas = results[0];
        var data = results[1];
        var features = topojson.feature(atlas, atlas.objects.counties).features;
        svg
          .append("g")
          .selectAll("path")
          .data(features)
          .join("path")
          .attr("class", function (feature) {
            return "dash-county" + (data.counties[feature.id] ? "" : " dash-no-data");
          })
          .attr("d", path)
          .style("fill", function (feature) {
            var row = data.counties[feature.id];
            return row ? levelColour[data.levels[row[1]]] || null : null;
          });
        svg
          .append("path")
          .attr("class", "dash-state-borders")
          .attr(
            "d",
            path(
              topojson.mesh(atlas, atlas.objects.states, function (a, b) {
                return a !== b;
              })
            )
          );

        var byId = {};
        features.forEach(function (feature) {
          byId[feature.id] = feature;
        });
        var marks = Object.keys(counts)
          .filter(function (fips) {
            return byId[fips] && path(byId[fips]);
          })
          .map(function (fips) {
            var row = data.counties[fips];
            return {
              fips: fips,
              name: row ? row[0] : fips,
              id: row ? row[4] : null,
              campaigns: counts[fips],
              centroid: path.centroid(byId[fips]),
            };
          })
          .sort(function (a, b) {
            return b.campaigns[0] - a.campaigns[0];
          });
        // Circles are sized in screen pixels, so they stay visible and tappable on a phone-wide map.
        var perPixel = W / (svg.node().getBoundingClientRect().width || W);
        var radius = d3
          .scaleSqrt()
          .domain([1, d3.max(marks, (m) => m.campaigns[0]) || 1])
          .range([5 * perPixel, 13 * perPixel]);
        svg
          .append("g")
          .selectAll("circle")
          .data(marks)
          .join("circle")
          .attr("class", function (m) {
            var kind = m.campaigns[2] ? "won" : m.campaigns[1] ? "active" : "lost";
            return "dash-mark dash-mark-" + kind;
          })
          .attr("data-fips", (m) => m.fips)
          .attr("data-campaigns", (m) => m.campaigns[0])
          .attr("cx", (m) => m.centroid[0])
          .attr("cy", (m) => m.centroid[1])
          .attr("r", (m) => radius(m.campaigns[0]))
          .on("pointermove", function (event, m) {
            tooltip.replaceChildren(describe(m));
            tooltip.hidden = false;
            var frame = root.getBoundingClientRect();
            var x = event.clientX - frame.left;
            var y = event.clientY - frame.top;
            tooltip.style.left = Math.min(x + 12, frame.width - tooltip.offsetWidth) + "px";
            tooltip.style.top = Math.max(0, y - tooltip.offsetHeight - 8) + "px";
          })
          .on("pointerleave", function () {
            tooltip.hidden = true;
          })
          .on("click", function (event, m) {
            if (m.id) window.location.assign(detailUrl(m.id));
          });
        root.dataset.marks = marks.length;
        root.dataset.state = "ready";
        status.hidden = true;
      })
      .catch(function (error) {
        status.textContent = S.loadError;
        status.classList.add("text-danger");
        root.dataset.state = "error";
        if (window.console) console.error(error);
      });
  }

  drawCharts(readJson("dashboard-charts"));
  drawMap(readJson("dashboard-map-data"), readJson("dashboard-map-strings"));
})();
