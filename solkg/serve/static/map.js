// solkg map: Leaflet markers over the basemap shipped with solkg (Natural Earth country outlines and
// French départements, from /map/basemap.geojson: no tile server, no network), or over tiles when
// the server has a tile URL. Chains at the same place become one numbered marker listing them all;
// a legend gives the classes with their counts. Without Leaflet (or without JavaScript) the
// server-drawn SVG map stays in place.
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
  var palette = { length: 12 };  // the colours are the classes mark-k0 .. mark-k11 of solkg.css
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: box.getAttribute("data-attribution") || "" }).addTo(map);
  } else {
    map.getContainer().style.background = "#dbe9f4";
    fetch("/map/basemap.geojson").then(function (r) { return r.json(); }).then(function (layers) {
      L.geoJSON(layers.countries, { interactive: false,
        style: { color: "#9a9a9a", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 } }).addTo(map).bringToBack();
      L.geoJSON(layers.departments, { interactive: false,
        style: { color: "#b9b2a3", weight: 0.6, fill: false } }).addTo(map);
      map.attributionControl.addAttribution(layers.attribution);
      box.setAttribute("data-basemap", String(layers.countries.features.length));
    }).catch(function () { box.setAttribute("data-basemap", "0"); });
  }
  // one colour per class, in the order of the class labels (as the static map's legend)
  var kinds = {};
  points.forEach(function (p) { kinds[p.type] = (kinds[p.type] || 0) + 1; });
  var names = Object.keys(kinds).sort();
  // chains at the same place (about 100 m) are grouped
  var groups = {};
  var order = [];
  points.forEach(function (p) {
    var key = p.lat.toFixed(3) + "," + p.long.toFixed(3);
    if (!groups[key]) { groups[key] = []; order.push(key); }
    groups[key].push(p);
  });
  var markers = [];
  order.forEach(function (key) {
    var group = groups[key];
    var first = group[0];
    var same = group.every(function (p) { return p.type === first.type; });
    var cls = same ? "mark mark-k" + (names.indexOf(first.type) % palette.length) : "mark mark-mixed";
    var size = group.length > 1 ? 22 + Math.min(Math.round(Math.sqrt(group.length) * 2), 20) : 16;
    var title = group.map(function (p) { return p.label; }).join("; ");
    var m = L.marker([first.lat, first.long], {
      title: title, alt: title, keyboard: true,
      icon: L.divIcon({ className: cls, html: group.length > 1 ? String(group.length) : "",
                        iconSize: [size, size] })
    });
    var wrap = document.createElement("div");
    var list = document.createElement("ul");
    group.forEach(function (p) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.href;
      link.textContent = p.label;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" (" + p.type + ")"));
      list.appendChild(item);
    });
    wrap.appendChild(list);
    m.bindPopup(wrap);
    m.addTo(map);
    markers.push(m);
  });
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    var title = document.createElement("strong");
    title.textContent = box.getAttribute("data-legend") || "";
    div.appendChild(title);
    var ul = document.createElement("ul");
    names.forEach(function (k) {
      var li = document.createElement("li");
      var dot = document.createElement("span");
      dot.className = "dot mark-k" + (names.indexOf(k) % palette.length);
      li.appendChild(dot);
      li.appendChild(document.createTextNode(" " + k + " (" + kinds[k] + ")"));
      ul.appendChild(li);
    });
    div.appendChild(ul);
    return div;
  };
  if (names.length) { legend.addTo(map); }
  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 9 });
  } else {
    map.setView([46.5, 2.5], 5);
  }
  box.setAttribute("data-markers", String(points.length));
  box.setAttribute("data-groups", String(markers.length));
})();
