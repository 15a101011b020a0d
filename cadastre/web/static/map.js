// The parcel map: MapLibre GL JS (vendored, CSP build) over this site's own vector tiles.
// Colours come from the tiles (land-use colour); outlines highlight the most serious status;
// a click (or the "pick" button, for keyboards) opens a popup with a link to the parcel page.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.maplibregl) { return; }
  maplibregl.setWorkerUrl(el.dataset.worker);
  var labels = JSON.parse(el.dataset.labels || "{}");
  var landUses = labels.land_uses || {};
  var basemap = JSON.parse(el.dataset.basemap || "null");
  var lang = el.dataset.lang || "vi";
  var bbox = JSON.parse(el.dataset.bbox || "null");
  var highlight = el.dataset.highlight || null;
  var statusColour = ["match", ["get", "status"],
    "mortgaged", "#e66a00", "seized", "#c40000", "disputed", "#7b2cbf",
    "planning", "#1565c0", "acquisition", "#1565c0", "dossier_in_progress", "#00897b",
    "corridor", "#b08900", "rgba(0,0,0,0)"];
  var sources = {
    register: {
      type: "vector",
      tiles: [window.location.origin + "/tiles/{z}/{x}/{y}.pbf"],
      minzoom: 0, maxzoom: 20
    }
  };
  var layers = [
    { id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }
  ];
  if (basemap) {  // the office's base map (off unless set): streets under the parcels
    sources.basemap = { type: "raster", tiles: [basemap.tiles], tileSize: 256,
      maxzoom: basemap.maxzoom, attribution: basemap.attribution };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  // The page's own parcel: a wide white halo under the status outlines, so its status colour
  // stays visible on top and it cannot be taken for the planning blue.
  layers.push(
    { id: "parcels-fill", type: "fill", source: "register", "source-layer": "parcels",
      paint: { "fill-color": ["get", "color"], "fill-opacity": basemap ? 0.55 : 0.85 } },
    { id: "parcels-line", type: "line", source: "register", "source-layer": "parcels",
      paint: { "line-color": "#5b4636", "line-width": 0.6 } },
    { id: "parcel-highlight", type: "line", source: "register", "source-layer": "parcels",
      filter: ["==", ["get", "ref"], highlight || ""],
      paint: { "line-color": "#ffffff", "line-width": 10, "line-opacity": 0.95 } },
    { id: "parcel-highlight-edge", type: "line", source: "register", "source-layer": "parcels",
      filter: ["==", ["get", "ref"], highlight || ""],
      paint: { "line-color": "#1a1a1a", "line-width": 1.5 } },
    { id: "parcels-status", type: "line", source: "register", "source-layer": "parcels",
      filter: ["!=", ["get", "status"], "registered"],
      paint: { "line-color": statusColour, "line-width": 3 } },
    { id: "communes", type: "line", source: "register", "source-layer": "communes",
      paint: { "line-color": "#8a1c1c", "line-width": 2, "line-dasharray": [3, 2] } }
  );
  var map = new maplibregl.Map({
    container: el,
    style: { version: 8, sources: sources, layers: layers },
    bounds: bbox || [[102, 8], [110, 23.5]],
    fitBoundsOptions: { padding: 20, maxZoom: highlight ? 19 : 17 },
    maxZoom: 21,
    attributionControl: basemap ? { compact: true } : false,
    locale: JSON.parse(el.dataset.locale || "{}"),
    keyboard: true
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  window.cadastreMap = map;  // for the browser tests and the console
  map.on("load", function () { el.dataset.loaded = "true"; });
  map.on("idle", function () { el.dataset.idle = "true"; });

  function statusText(code) { return labels[code] || code; }
  function landUseText(code) {
    if (!code) { return ""; }
    return landUses[code] ? landUses[code] + " (" + code + ")" : code;
  }

  // One popup at a time: a new one (a click, or "pick on the map") replaces the last.
  var popup = null;
  function openPopup(lngLat, content) {
    if (popup) { popup.remove(); }
    popup = new maplibregl.Popup({ closeButton: true, focusAfterOpen: true })
      .setLngLat(lngLat).setDOMContent(content).addTo(map);
  }

  function showPopup(lngLat, props) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    title.className = "popup-title";
    title.textContent = props.ref;
    box.appendChild(title);
    var uses = document.createElement("p");
    uses.className = "popup-land-use";
    uses.textContent = (labels.land_use || "") + ": " + landUseText(props.land_use);
    box.appendChild(uses);
    var status = document.createElement("p");
    status.textContent = statusText(props.status || "registered");
    box.appendChild(status);
    var link = document.createElement("a");
    link.href = "/thua/" + props.ref + "?lang=" + encodeURIComponent(lang);
    link.textContent = labels.view_parcel || "→";
    link.className = "popup-link";
    box.appendChild(link);
    openPopup(lngLat, box);
  }

  function notFound(lngLat) {
    var p = document.createElement("p");
    p.textContent = labels.point_outside || "";
    openPopup(lngLat, p);
  }

  map.on("click", function (e) {
    var found = map.queryRenderedFeatures(e.point, { layers: ["parcels-fill"] });
    if (found.length) { showPopup(e.lngLat, found[0].properties); } else { notFound(e.lngLat); }
  });
  map.on("mouseenter", "parcels-fill", function () { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "parcels-fill", function () { map.getCanvas().style.cursor = ""; });

  // Keyboard users: the parcel at the centre of the map, asked from the API.
  var pick = document.getElementById("pick-centre");
  if (pick) {
    pick.addEventListener("click", function () {
      var c = map.getCenter();
      fetch("/api/parcels/at?lon=" + c.lng + "&lat=" + c.lat)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (hit) {
          if (!hit) { notFound(c); return; }
          var found = map.queryRenderedFeatures(map.project(c), { layers: ["parcels-fill"] });
          showPopup(c, found.length ? found[0].properties : { ref: hit.ref });
        });
    });
  }
}());
