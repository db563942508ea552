/* The map of /carte/ (templates/search/map.html): Leaflet draws the markers the lists beside it already give.
   Tiles come from MAP_TILE_URL; with none (the tests, no Internet) the markers stand on a plain background. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) return;
  var markers = JSON.parse(document.getElementById("map-markers").textContent);
  var center = JSON.parse(document.getElementById("map-center").textContent);

  var map = L.map(element, { zoomControl: false, scrollWheelZoom: false });
  L.control.zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut }).addTo(map);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.attribution }).addTo(map);
  }
  // The first view fits the search circle at once: a zoom or pan after the markers appear would move them
  // away from under a first tap (Leaflet animates any view change once the map is shown).
  var origin = L.latLng(center.latitude, center.longitude);
  map.fitBounds(origin.toBounds(center.radius_km * 2000));
  L.circle(origin, {
    radius: center.radius_km * 1000, interactive: false, color: "#1f5fbf", weight: 1, fillOpacity: 0.05,
  }).addTo(map);

  // Leaflet names its popups' close button in English only: in the page's language instead.
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", element.dataset.closePopup);
  });

  // Freelancers are placed at their municipality, often with others: markers on one point fan out around it.
  var atPoint = {};
  markers.forEach(function (item) {
    var point = item.latitude + "," + item.longitude;
    atPoint[point] = (atPoint[point] || 0) + 1;
  });
  var placed = {};

  var byKey = {};
  markers.forEach(function (item) {
    var point = item.latitude + "," + item.longitude;
    var index = placed[point] = (placed[point] || 0) + 1;
    var shift = [0, 0];
    if (atPoint[point] > 1) {
      var angle = (2 * Math.PI * index) / atPoint[point];
      shift = [Math.round(12 * Math.cos(angle)), Math.round(12 * Math.sin(angle))];
    }
    var icon = L.divIcon({
      className: "map-pin",
      html: '<span class="map-shape map-marker-' + item.type + '"></span>',
      iconSize: [18, 18],
      iconAnchor: [9 - shift[0], 9 - shift[1]],
      popupAnchor: [shift[0], shift[1] - 9],
    });
    var marker = L.marker([item.latitude, item.longitude], { icon: icon, title: item.name, alt: item.name, keyboard: true });
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.name;
    popup.appendChild(link);
    if (item.detail) {
      var detail = document.createElement("p");
      detail.className = "map-popup-detail";
      detail.textContent = item.detail + " · " + item.distance_km + " km";
      popup.appendChild(detail);
    }
    marker.bindPopup(popup).addTo(map);
    var key = item.type + "-" + item.id;
    marker.getElement().setAttribute("data-marker", key);
    byKey[key] = marker;
  });

  // Hovering or focusing a line of the list opens its marker's popup on the map.
  document.querySelectorAll(".map-item[data-marker]").forEach(function (line) {
    var marker = byKey[line.getAttribute("data-marker")];
    if (!marker) return;
    var show = function () {
      if (!marker.isPopupOpen()) {
        map.closePopup();
        marker.openPopup();
      }
    };
    line.addEventListener("mouseenter", show);
    line.addEventListener("focusin", show);
  });
})();
