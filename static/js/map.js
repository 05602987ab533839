// The policy map: us-atlas county shapes (unprojected lon/lat TopoJSON) joined on 5-digit FIPS to
// /jurisdictions/map/data.json. Every visible string comes from the page (#map-strings), never from here.
(function () {
  "use strict";

  var root = document.getElementById("map");
  if (!root || !window.d3 || !window.topojson) return;

  var S = JSON.parse(document.getElementById("map-strings").textContent);
  var W = 975;
  var H = 610;
  var PAD = 24;
  var NARROW = window.matchMedia("(max-width: 767.98px)");

  // The shapes predate the 2019 split of Valdez-Cordova (02261) into Chugach (02063) and Copper River
  // (02066): that one shape stands for both, coloured by the less protective of their levels.
  // Connecticut's shapes are its 8 former counties (09001-09015), joined to the former-county rows
  // (is_legacy); the 9 planning regions (09110-09190) have no shape here and are listed under the map.
  var SHAPE_ALIASES = { "02261": ["02063", "02066"] };

  var projection = d3.geoAlbersUsa().scale(1300).translate([W / 2, H / 2]);
  var path = d3.geoPath(projection);
  var svg = d3.select("#map-svg");
  var zoomLayer = svg.append("g").attr("class", "map-zoom");
  var countyLayer = zoomLayer.append("g").attr("class", "map-counties");
  var stateBorders = zoomLayer.append("path").attr("class", "map-state-borders");
  // The Fourth Amendment layer: a hatch over counties whose jail honors ICE holds without a judicial
  // warrant. Drawn under the outlines and marks, hidden until its switch is turned on.
  var hatch = svg
    .insert("defs", ":first-child")
    .append("pattern")
    .attr("id", "map-fourth-hatch")
    .attr("patternUnits", "userSpaceOnUse")
    .attr("width", 4)
    .attr("height", 4)
    .attr("patternTransform", "rotate(45)");
  hatch.append("rect").attr("class", "map-fourth-hatch-line").attr("width", 1.1).attr("height", 4);
  var fourthLayer = zoomLayer.append("g").attr("class", "map-fourth").attr("display", "none");
  var floorLayer = zoomLayer.append("g").attr("class", "map-floors");
  var markLayer = zoomLayer.append("g").attr("class", "map-287g");
  var hoverOutline = zoomLayer.append("path").attr("class", "map-hover");
  var selectedOutline = zoomLayer.append("path").attr("class", "map-selected");

  var tooltip = document.getElementById("map-tooltip");
  var status = document.getElementById("map-status");
  var stateSelect = document.getElementById("map-state");
  var listLink = document.getElementById("map-list-link");
  var detailsBody = document.getElementById("map-details-body");
  var detailsHint = document.getElementById("map-details-hint");
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
  // In the embeddable map every click shows the details, and links open outside the frame.
  var EMBED = root.dataset.embed === "1";

  var data = null;
  var shapes = [];
  var stateFeatures = {};
  var zoomK = 1;
  var lastPointerType = null;
  var zoom = d3.zoom().scaleExtent([1, 40]).on("zoom", function (event) {
    zoomK = event.transform.k;
    zoomLayer.attr("transform", event.transform);
    // Keep the hatch as fine at every zoom.
    hatch.attr("patternTransform", "scale(" + 1 / zoomK + ") rotate(45)");
    markLayer.selectAll("path").attr("transform", markTransform);
  });
  svg.call(zoom).on(".zoom", null); // zoomed by the state select only: a phone must still scroll the page

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function detailUrl(id) {
    return root.dataset.detailUrl.replace(/\/0\/$/, "/" + id + "/");
  }

  // A county's row as an object, by the column names the JSON gives.
  function readRow(row) {
    var named = {};
    data.columns.forEach(function (column, i) {
      named[column] = row[i];
    });
    return named;
  }

  // Several rows behind one shape: at risk if any is, not at risk if all are known not to be.
  function combinedRisk(rows) {
    if (!rows.length) return null;
    if (rows.some((r) => r.risk === true)) return true;
    if (rows.every((r) => r.risk === false)) return false;
    return null;
  }

  // Colours are the app's own level and 287(g) classes, read from the legend so app.css stays the one source.
  function legendColours(selector, attribute) {
    var colours = {};
    document.querySelectorAll(selector).forEach(function (node) {
      colours[node.getAttribute(attribute)] = getComputedStyle(node).backgroundColor;
    });
    return colours;
  }

  var symbolTypes = {
    jail_enforcement: d3.symbolSquare,
    task_force: d3.symbolTriangle,
    warrant_service: d3.symbolCircle,
  };

  function symbolPath(model, size) {
    return d3.symbol().type(symbolTypes[model] || d3.symbolCircle).size(size)();
  }

  function markTransform(shape) {
    return "translate(" + shape.centroid[0] + "," + shape.centroid[1] + ") scale(" + 1 / Math.sqrt(zoomK) + ")";
  }

  // One shape's data: the rows it stands for, with the level and model it is drawn with.
  function joinShape(feature) {
    var fipsList = data.counties[feature.id] ? [feature.id] : SHAPE_ALIASES[feature.id] || [];
    var rows = fipsList
      .filter(function (fips) {
        return data.counties[fips];
      })
      .map(function (fips) {
        var row = readRow(data.counties[fips]);
        return {
          fips: fips,
          name: row.name,
          level: data.levels[row.level],
          levelIndex: row.level,
          model: row.model287g >= 0 ? data.models287g[row.model287g] : "",
          modelIndex: row.model287g,
          population: row.population,
          id: row.id,
          legacy: row.legacy === 1,
          risk: row.fourth_amendment_risk,
        };
      });
    var unknown = data.levels.indexOf("unknown");
    var known = rows.filter(function (r) {
      return r.levelIndex !== unknown;
    });
    // Levels run from least to most protective; a shape that stands for several rows shows the least.
    var levelIndex = known.length ? d3.min(known, (r) => r.levelIndex) : unknown;
    var models = rows.filter((r) => r.modelIndex >= 0);
    return {
      id: feature.id,
      feature: feature,
      stateFips: feature.id.slice(0, 2),
      rows: rows,
      level: rows.length ? data.levels[levelIndex] : null,
      model: models.length ? data.models287g[d3.min(models, (r) => r.modelIndex)] : "",
      risk: combinedRisk(rows),
    };
  }

  function draw(atlas) {
    var levelColour = legendColours("[data-level]", "data-level");
    var features = topojson.feature(atlas, atlas.objects.counties).features;
    var used = new Set();
    var outside = [];
    features.forEach(function (feature) {
      var d = path(feature);
      if (!d) {
        outside.push(feature.id); // territories: geoAlbersUsa draws the 50 states and DC only
        return;
      }
      var shape = joinShape(feature);
      shape.d = d;
      shape.centroid = path.centroid(feature);
      shape.rows.forEach((r) => used.add(r.fips));
      shapes.push(shape);
    });

    countyLayer
      .selectAll("path")
      .data(shapes)
      .join("path")
      .attr("class", (s) => "map-county" + (s.level ? "" : " map-no-data"))
      .attr("d", (s) => s.d)
      .attr("data-fips", (s) => s.id)
      .attr("data-level", (s) => s.level || "")
      .attr("fill", (s) => (s.level ? levelColour[s.level] : null));

    stateBorders.attr(
      "d",
      path(
        topojson.mesh(atlas, atlas.objects.states, function (a, b) {
          return a !== b;
        })
      )
    );

    topojson.feature(atlas, atlas.objects.states).features.forEach(function (feature) {
      stateFeatures[feature.id] = feature;
    });
    var floored = Object.keys(data.states)
      .filter((fips) => data.states[fips].floor && stateFeatures[fips])
      .map((fips) => ({ fips: fips, floor: data.states[fips].floor, d: path(stateFeatures[fips]) }))
      .filter((s) => s.d);
    var floorGroups = floorLayer
      .selectAll("g")
      .data(floored)
      .join("g")
      .attr("data-state", (s) => s.fips);
    floorGroups.append("path").attr("class", "map-floor-casing").attr("d", (s) => s.d);
    floorGroups
      .append("path")
      .attr("class", (s) => "map-floor-line floor-" + s.floor)
      .attr("d", (s) => s.d);

    fourthLayer
      .selectAll("path")
      .data(shapes.filter((s) => s.risk === true))
      .join("path")
      .attr("class", "map-fourth-area")
      .attr("d", (s) => s.d)
      .attr("data-fips", (s) => s.id)
      .attr("fill", "url(#map-fourth-hatch)");

    markLayer
      .selectAll("path")
      .data(shapes.filter((s) => s.model))
      .join("path")
      .attr("class", (s) => "map-287g-mark model-" + s.model)
      .attr("d", (s) => symbolPath(s.model, 30))
      .attr("transform", markTransform);

    document.querySelectorAll(".map-legend-symbol path[data-model]").forEach(function (node) {
      node.setAttribute("d", symbolPath(node.getAttribute("data-model"), 60));
    });

    var withoutData = shapes.filter((s) => !s.rows.length);
    var notDrawn = Object.keys(data.counties).filter((fips) => !used.has(fips));
    listUnmapped(notDrawn, withoutData);
    root.dataset.shapes = shapes.length;
    root.dataset.shapesWithoutData = withoutData.length;
    root.dataset.shapesOutsideProjection = outside.length;
    root.dataset.rowsNotDrawn = notDrawn.length;

    countyLayer
      .on("pointerdown", function (event) {
        lastPointerType = event.pointerType;
      })
      .on("pointermove", onHover)
      .on("pointerleave", hideTooltip)
      .on("click", onClick);
  }

  function listUnmapped(notDrawn, withoutData) {
    var details = document.getElementById("map-unmapped");
    var list = document.getElementById("map-unmapped-list");
    if (!notDrawn.length && !withoutData.length) return;
    var byState = d3.group(notDrawn, (fips) => fips.slice(0, 2));
    Array.from(byState.keys())
      .sort()
      .forEach(function (stateFips) {
        var state = data.states[stateFips];
        var names = byState.get(stateFips).map((fips) => data.counties[fips][0]);
        list.appendChild(
          el("li", null, format(S.notDrawnState, { state: state ? state.name : stateFips, names: names.join(", ") }))
        );
      });
    var summary = format(S.notDrawn, { count: numberFormat.format(notDrawn.length) });
    if (withoutData.length) {
      summary += " · " + format(S.shapesWithoutData, { count: numberFormat.format(withoutData.length) });
      var ids = withoutData.slice(0, 50).map((s) => s.id);
      list.appendChild(el("li", null, ids.join(", ") + (withoutData.length > ids.length ? ", …" : "")));
    }
    document.getElementById("map-unmapped-summary").textContent = summary;
    details.hidden = false;
  }

  function updateCounts(stateFips) {
    var inView = shapes.filter((s) => !stateFips || s.stateFips === stateFips);
    var levels = d3.rollup(
      inView.filter((s) => s.level),
      (v) => v.length,
      (s) => s.level
    );
    var models = d3.rollup(
      inView.filter((s) => s.model),
      (v) => v.length,
      (s) => s.model
    );
    var risks = d3.rollup(
      inView.filter((s) => s.rows.length),
      (v) => v.length,
      (s) => String(s.risk)
    );
    var floors = d3.rollup(
      Object.keys(data.states).filter((fips) => stateFeatures[fips] && (!stateFips || fips === stateFips)),
      (v) => v.length,
      (fips) => data.states[fips].floor
    );
    function fill(attribute, counts) {
      document.querySelectorAll("[" + attribute + "]").forEach(function (node) {
        node.textContent = "(" + numberFormat.format(counts.get(node.getAttribute(attribute)) || 0) + ")";
      });
    }
    fill("data-level-count", levels);
    fill("data-model-count", models);
    fill("data-floor-count", floors);
    fill("data-fourth-count", risks);
  }

  // What a county's tooltip and details panel say.
  function describe(shape, withLinks) {
    var box = el("div", "map-describe");
    var state = data.states[shape.stateFips] || { name: shape.stateFips, floor: "", laws: [] };
    if (!shape.rows.length) {
      box.appendChild(el("div", "fw-semibold", S.noData + " (" + shape.id + ")"));
      return box;
    }
    if (shape.rows.length > 1) box.appendChild(el("p", "small text-body-secondary mb-1", S.combined));
    shape.rows.forEach(function (row) {
      var title = el("div", "fw-semibold");
      title.textContent = row.name + ", " + state.name;
      box.appendChild(title);
      var dl = el("dl", "map-facts mb-1");
      function fact(term, value, swatch) {
        dl.appendChild(el("dt", null, term));
        var dd = el("dd");
        if (swatch) {
          var mark = el("span", "level-swatch level-" + swatch);
          mark.setAttribute("aria-hidden", "true");
          dd.appendChild(mark);
          dd.appendChild(document.createTextNode(" "));
        }
        dd.appendChild(document.createTextNode(value));
        dl.appendChild(dd);
      }
      fact(S.level, S.levels[row.level] || row.level, row.level);
      fact(S.model287g, row.model ? S.models287g[row.model] : S.no287g);
      fact(S.population, row.population === null ? S.populationUnknown : numberFormat.format(row.population));
      fact(S.fourth, S.fourthValues[String(row.risk)]);
      box.appendChild(dl);
      if (row.legacy) box.appendChild(el("p", "small text-body-secondary mb-1", S.legacy));
      if (withLinks) {
        var link = el("a", "btn btn-sm btn-primary mb-2", S.open + (shape.rows.length > 1 ? ": " + row.name : ""));
        link.href = detailUrl(row.id);
        if (EMBED) {
          link.target = "_blank";
          link.rel = "noopener";
        }
        box.appendChild(link);
      }
    });
    var law = el("div", "map-law small");
    law.appendChild(el("span", "fw-semibold", S.stateLaw + ": "));
    law.appendChild(el("span", state.floor ? "floor-" + state.floor : null, S.floors[state.floor || ""]));
    if (state.laws.length) {
      var laws = el("ul", "mb-0 ps-3");
      state.laws.forEach(function (entry) {
        laws.appendChild(el("li", null, entry[0] + " (" + (S.lawEffects[entry[1]] || entry[1]) + ")"));
      });
      law.appendChild(laws);
    }
    box.appendChild(law);
    return box;
  }

  function shapeOf(event) {
    var target = event.target.closest && event.target.closest("path.map-county");
    return target ? d3.select(target).datum() : null;
  }

  function onHover(event) {
    if (event.pointerType === "touch") return;
    var shape = shapeOf(event);
    if (!shape) return hideTooltip();
    if (tooltip.dataset.fips !== shape.id) {
      tooltip.replaceChildren(describe(shape, false));
      tooltip.dataset.fips = shape.id;
      hoverOutline.attr("d", shape.d);
    }
    tooltip.hidden = false;
    var frame = tooltip.parentNode.getBoundingClientRect();
    var x = event.clientX - frame.left;
    var y = event.clientY - frame.top;
    var left = x + 16;
    if (left + tooltip.offsetWidth > frame.width) left = Math.max(0, x - 16 - tooltip.offsetWidth);
    var top = y + 16;
    if (top + tooltip.offsetHeight > frame.height) top = Math.max(0, y - 16 - tooltip.offsetHeight);
    tooltip.style.left = left + "px";
    tooltip.style.top = top + "px";
  }

  function hideTooltip() {
    tooltip.hidden = true;
    tooltip.dataset.fips = "";
    hoverOutline.attr("d", null);
  }

  function showDetails(shape) {
    hideTooltip();
    detailsHint.hidden = true;
    detailsBody.replaceChildren(describe(shape, true));
    selectedOutline.attr("d", shape.d);
    var rect = detailsBody.getBoundingClientRect();
    if (rect.bottom > window.innerHeight || rect.top < 0) detailsBody.scrollIntoView({ block: "nearest" });
  }

  // A click with a mouse opens the county page; a tap (or any click on a phone-sized screen), or a
  // shape that stands for several counties, shows the details with links instead.
  function onClick(event) {
    var shape = shapeOf(event);
    if (!shape) return;
    var touch = lastPointerType ? lastPointerType === "touch" : NARROW.matches;
    lastPointerType = null;
    if (!EMBED && !touch && shape.rows.length === 1) {
      window.location.assign(detailUrl(shape.rows[0].id));
    } else {
      showDetails(shape);
    }
  }

  function zoomToState(postal, animate) {
    var option = stateSelect.querySelector('option[value="' + postal + '"]');
    var fips = postal && option ? option.dataset.fips : "";
    var feature = fips ? stateFeatures[fips] : null;
    var transform = d3.zoomIdentity;
    if (feature) {
      // Fit the state in the frame with a copy of the projection, then apply the same change as an
      // SVG transform: geoAlbersUsa scales and shifts its three parts together, so this is exact.
      var fitted = d3.geoAlbersUsa().fitExtent(
        [
          [PAD, PAD],
          [W - PAD, H - PAD],
        ],
        feature
      );
      var k = fitted.scale() / projection.scale();
      var t = fitted.translate();
      var t0 = projection.translate();
      transform = d3.zoomIdentity.translate(t[0] - k * t0[0], t[1] - k * t0[1]).scale(k);
    }
    var target = animate && !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    (target ? svg.transition().duration(750) : svg).call(zoom.transform, transform);
    countyLayer.selectAll("path").classed("map-outside", (s) => Boolean(feature) && s.stateFips !== fips);
    markLayer.selectAll("path").classed("map-outside", (s) => Boolean(feature) && s.stateFips !== fips);
    fourthLayer.selectAll("path").classed("map-outside", (s) => Boolean(feature) && s.stateFips !== fips);
    root.dataset.zoomedState = feature ? postal : "";
    updateCounts(feature ? fips : "");
    var query = feature ? "?state=" + encodeURIComponent(postal) : "";
    if (listLink) listLink.href = listLink.dataset.listUrl + query;
    if (!EMBED && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + query);
    }
  }

  function loaded(response) {
    if (!response.ok) throw new Error(response.status + " " + response.url);
    return response.json();
  }

  Promise.all([
    fetch(root.dataset.atlasUrl).then(loaded),
    fetch(root.dataset.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(loaded),
  ])
    .then(function (results) {
      data = results[1];
      draw(results[0]);
      zoomToState(stateSelect.value, false);
      stateSelect.addEventListener("change", function () {
        zoomToState(stateSelect.value, true);
      });
      document.getElementById("map-reset").addEventListener("click", function () {
        stateSelect.value = "";
        selectedOutline.attr("d", null);
        detailsBody.replaceChildren();
        detailsHint.hidden = false;
        zoomToState("", true);
      });
      document.getElementById("map-toggle-287g").addEventListener("change", function (event) {
        markLayer.attr("display", event.target.checked ? null : "none");
      });
      document.getElementById("map-toggle-floors").addEventListener("change", function (event) {
        floorLayer.attr("display", event.target.checked ? null : "none");
      });
      var fourthToggle = document.getElementById("map-toggle-fourth");
      function showFourth() {
        fourthLayer.attr("display", fourthToggle.checked ? null : "none");
        root.dataset.fourthLayer = fourthToggle.checked ? "on" : "off";
      }
      fourthToggle.addEventListener("change", showFourth);
      showFourth();
      status.hidden = true;
      root.dataset.state = "ready";
    })
    .catch(function (error) {
      status.textContent = S.loadError;
      status.classList.add("text-danger");
      root.dataset.state = "error";
      if (window.console) console.error(error);
    });
})();
