// Copies the front-end libraries installed by `npm ci` into static/vendor, where Django serves them.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "d3/dist/d3.min.js": "d3/d3.min.js",
  "topojson-client/dist/topojson-client.min.js": "topojson/topojson-client.min.js",
  "us-atlas/counties-10m.json": "us-atlas/counties-10m.json",
  "us-atlas/states-10m.json": "us-atlas/states-10m.json",
  "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
  // The minified file names its source map; the manifest storage of production needs it to exist.
  "chart.js/dist/chart.umd.min.js.map": "chartjs/chart.umd.min.js.map",
  "tom-select/dist/js/tom-select.complete.min.js": "tom-select/tom-select.complete.min.js",
  "tom-select/dist/js/tom-select.complete.min.js.map": "tom-select/tom-select.complete.min.js.map",
  "tom-select/dist/css/tom-select.bootstrap5.min.css": "tom-select/tom-select.bootstrap5.min.css",
  "tom-select/dist/css/tom-select.bootstrap5.min.css.map": "tom-select/tom-select.bootstrap5.min.css.map",
};
rmSync(out, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(root, "node_modules", from), join(out, to), { recursive: true });
}
console.log(`copied ${Object.keys(files).length} front-end files into static/vendor`);
