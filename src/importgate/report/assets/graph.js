// importgate graph --format html: pan, zoom, and click a module to see its neighbours.
// Plain DOM code, no library and no network: the page must work from a file on disk.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var canvas = document.getElementById("canvas");
  var svg = canvas.querySelector("svg");
  var panel = document.getElementById("selection");
  var byId = {};
  var nodes = {};
  data.nodes.forEach(function (node) {
    byId[node.svg_id] = node;
    var element = document.getElementById(node.svg_id);
    if (element) {
      element.setAttribute("data-module", node.name);
      nodes[node.name] = element;
    }
  });
  data.edges.forEach(function (edge) {
    var element = document.getElementById(edge.svg_id);
    if (element) {
      element.setAttribute("data-source", edge.source);
      element.setAttribute("data-target", edge.target);
      element.setAttribute("data-style", edge.style);
    }
  });

  // ---- pan and zoom: both change the SVG's viewBox ----
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  var start = svg.viewBox.baseVal;
  var home = { x: start.x, y: start.y, width: start.width, height: start.height };
  var view = { x: home.x, y: home.y, width: home.width, height: home.height };
  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.width, view.height].join(" "));
  }
  function toSvgPoint(clientX, clientY) {
    var rect = svg.getBoundingClientRect();
    var scale = Math.max(view.width / rect.width, view.height / rect.height);
    var offsetX = (rect.width * scale - view.width) / 2;
    var offsetY = (rect.height * scale - view.height) / 2;
    return {
      x: view.x - offsetX + (clientX - rect.left) * scale,
      y: view.y - offsetY + (clientY - rect.top) * scale,
      scale: scale
    };
  }
  function zoom(factor, clientX, clientY) {
    var rect = svg.getBoundingClientRect();
    if (clientX === undefined) {
      clientX = rect.left + rect.width / 2;
      clientY = rect.top + rect.height / 2;
    }
    var point = toSvgPoint(clientX, clientY);
    view.x = point.x - (point.x - view.x) * factor;
    view.y = point.y - (point.y - view.y) * factor;
    view.width *= factor;
    view.height *= factor;
    apply();
  }
  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, event.clientX, event.clientY);
  }, { passive: false });

  var drag = null;
  canvas.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, view: { x: view.x, y: view.y }, moved: false };
  });
  window.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    drag.moved = true;
    canvas.classList.add("panning");
    var scale = toSvgPoint(0, 0).scale;
    view.x = drag.view.x - dx * scale;
    view.y = drag.view.y - dy * scale;
    apply();
  });
  window.addEventListener("pointerup", function () {
    canvas.classList.remove("panning");
    setTimeout(function () { drag = null; }, 0);
  });

  // ---- selection ----
  function clear() {
    document.body.classList.remove("has-selection");
    svg.querySelectorAll(".selected, .imports, .imported-by, .out, .in").forEach(function (el) {
      el.classList.remove("selected", "imports", "imported-by", "out", "in");
    });
    panel.innerHTML = '<p class="hint">Click a module to highlight what it imports ' +
      '(green) and what imports it (purple). Drag to pan, scroll to zoom.</p>';
  }
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function list(title, names, cls) {
    var html = "<h2>" + title + " (" + names.length + ")</h2><ul class='" + cls + "'>";
    names.forEach(function (name) {
      html += "<li><button class='module' data-module='" + esc(name) + "'>" +
        esc(byName[name].label) + "</button></li>";
    });
    return html + "</ul>";
  }
  var byName = {};
  data.nodes.forEach(function (node) { byName[node.name] = node; });
  function select(name) {
    clear();
    var imports = [];
    var importers = [];
    data.edges.forEach(function (edge) {
      var element = document.getElementById(edge.svg_id);
      if (edge.source === name) {
        imports.push(edge.target);
        if (element) { element.classList.add("out"); }
        nodes[edge.target].classList.add("imports");
      } else if (edge.target === name) {
        importers.push(edge.source);
        if (element) { element.classList.add("in"); }
        nodes[edge.source].classList.add("imported-by");
      }
    });
    nodes[name].classList.add("selected");
    document.body.classList.add("has-selection");
    var node = byName[name];
    panel.innerHTML = "<h2 id='selected-name'>" + esc(node.name) + "</h2><p class='hint'>" +
      esc(node.tooltip) + "</p>" + list("Imports", imports, "imports-list") +
      list("Imported by", importers, "importers-list");
  }
  svg.addEventListener("click", function (event) {
    if (drag && drag.moved) { return; }
    var target = event.target.closest("g.node");
    if (target && target.getAttribute("data-module")) {
      select(target.getAttribute("data-module"));
    } else {
      clear();
    }
  });
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button.module");
    if (button) { select(button.getAttribute("data-module")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { clear(); }
  });
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1 / 1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1.25); });
  document.getElementById("zoom-fit").addEventListener("click", function () {
    view = { x: home.x, y: home.y, width: home.width, height: home.height };
    apply();
  });
  clear();
  window.importgateGraph = { select: select, clear: clear, zoom: zoom, view: function () { return view; } };
})();
