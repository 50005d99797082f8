/* District maps: Leaflet (vendored, static/vendor/leaflet) over the tiles of settings.MAP_TILES_URL,
   showing the district boundary (GeoJSON embedded in the page), a marker for a searched point, and
   "click the map to find who represents this point" (a GET to the representatives page with lat/lon).
   Progressive enhancement: without JavaScript, and in print, the inline SVG outline stays. */
(function () {
  "use strict";
  if (!window.L) { return; }

  var searchTo = function (url, latlng) {
    window.location.assign(url + "?lat=" + latlng.lat.toFixed(5) + "&lon=" + latlng.lng.toFixed(5));
  };

  var baseMap = function (container, host) {
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(host.dataset.tilesUrl, { attribution: host.dataset.attribution, maxZoom: 19 }).addTo(map);
    map.on("click", function (event) { searchTo(host.dataset.searchUrl, event.latlng); });
    return map;
  };

  var point = function (host) {
    var lat = parseFloat(host.dataset.lat), lon = parseFloat(host.dataset.lon);
    return isFinite(lat) && isFinite(lon) ? L.latLng(lat, lon) : null;
  };

  document.querySelectorAll("[data-district-map]").forEach(function (figure) {
    var container = figure.querySelector(".live-map");
    var data = document.getElementById(figure.dataset.boundary);
    if (!container || !data) { return; }
    var geometry;
    try { geometry = JSON.parse(data.textContent); } catch (error) { return; }
    container.hidden = false;
    figure.classList.add("has-live-map");
    var help = figure.querySelector(".live-map-help");
    if (help) { help.hidden = false; }
    var map = baseMap(container, figure);
    var boundary = L.geoJSON(geometry, {
      style: { color: "#1d4e89", weight: 3, fillOpacity: 0.12, className: "district-boundary" }
    }).addTo(map);
    map.fitBounds(boundary.getBounds(), { padding: [12, 12] });
    var here = point(figure);
    if (here) { L.circleMarker(here, { radius: 8, color: "#b3261e", weight: 3, fillOpacity: 0.8, className: "searched-point" }).addTo(map); }
    figure.dataset.mapReady = "true";
  });

  document.querySelectorAll("[data-point-map]").forEach(function (host) {
    var container = host.querySelector(".live-map");
    if (!container) { return; }
    host.hidden = false;
    var map = baseMap(container, host);
    var here = point(host);
    if (here) {
      map.setView(here, 14);
      L.circleMarker(here, { radius: 8, color: "#b3261e", weight: 3, fillOpacity: 0.8, className: "searched-point" }).addTo(map);
    } else {
      map.setView([48.0, 67.5], 4);  // Kazakhstan
    }
    // The map may sit in a closed <details>: measure again when it opens.
    var details = host.closest("details");
    if (details) { details.addEventListener("toggle", function () { map.invalidateSize(); }); }
    host.dataset.mapReady = "true";
  });
})();
