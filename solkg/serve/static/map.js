// solkg map: Leaflet markers on a graticule (or on tiles when the server has a tile URL).
// Without Leaflet (or without JavaScript) the server-drawn SVG map stays in place.
(function () {
  "use strict";
  var box = document.getElementById("map");
  var data = document.getElementById("map-data");
  if (!box || !data || typeof window.L === "undefined") { return; }
  var points = JSON.parse(data.textContent || "[]");
  box.innerHTML = "";
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", document.title);
  var map = L.map(box, { worldCopyJump: true, keyboard: true, attributionControl: true });
  var tiles = box.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: box.getAttribute("data-attribution") || "" }).addTo(map);
  }
  // Graticule: lines every 10°, 1° or 0.1° depending on the zoom, drawn for the visible area.
  var grid = L.layerGroup().addTo(map);
  function drawGrid() {
    grid.clearLayers();
    var z = map.getZoom();
    var step = z < 4 ? 10 : (z < 7 ? 1 : (z < 11 ? 0.5 : 0.1));
    var b = map.getBounds().pad(0.5);
    var south = Math.max(-85, Math.floor(b.getSouth() / step) * step);
    var north = Math.min(85, Math.ceil(b.getNorth() / step) * step);
    var west = Math.floor(b.getWest() / step) * step;
    var east = Math.ceil(b.getEast() / step) * step;
    var style = { color: "#9fb1be", weight: 1, opacity: 0.8, interactive: false };
    var n = 0;
    for (var lat = south; lat <= north + 1e-9 && n < 400; lat += step, n++) {
      grid.addLayer(L.polyline([[lat, west], [lat, east]], style));
    }
    for (var lon = west; lon <= east + 1e-9 && n < 800; lon += step, n++) {
      grid.addLayer(L.polyline([[south, lon], [north, lon]], style));
    }
  }
  var markers = [];
  points.forEach(function (p) {
    var m = L.marker([p.lat, p.long], { title: p.label, alt: p.label, keyboard: true });
    var link = document.createElement("a");
    link.href = p.href;
    link.textContent = p.label;
    var wrap = document.createElement("div");
    wrap.appendChild(link);
    var kind = document.createElement("div");
    kind.textContent = p.type;
    wrap.appendChild(kind);
    m.bindPopup(wrap);
    m.addTo(map);
    markers.push(m);
  });
  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 9 });
  } else {
    map.setView([46.5, 2.5], 5);
  }
  map.on("moveend", drawGrid);
  drawGrid();
  box.setAttribute("data-markers", String(markers.length));
})();
