/*
 * The charts' own texts in Swedish: the mode bar's buttons ("Zooma", "Ladda ner diagrammet som
 * PNG") and the notes plotly.js shows, registered as the locale "sv" and made every chart's
 * default (plotly.js's documented localisation: Plotly.register with a locale module, then
 * Plotly.setPlotConfig({locale})). The vendored plotly.js loads after the joined scripts, so
 * this runs when the document is parsed, before Dash draws any chart.
 */
(function () {
  "use strict";
  var DICTIONARY = {
    Autoscale: "Anpassa skalan",
    "Box Select": "Välj med rektangel",
    "Click to enter Colorscale title": "Klicka för att skriva färgskalans rubrik",
    "Click to enter Plot subtitle": "Klicka för att skriva diagrammets underrubrik",
    "Click to enter Plot title": "Klicka för att skriva diagrammets rubrik",
    "Click to enter X axis title": "Klicka för att skriva x-axelns rubrik",
    "Click to enter Y axis title": "Klicka för att skriva y-axelns rubrik",
    "Compare data on hover": "Jämför värden vid pekaren",
    "Double-click on legend to isolate one trace": "Dubbelklicka på förklaringen för att visa en serie",
    "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
    "Download plot": "Ladda ner diagrammet",
    "Download plot as a PNG": "Ladda ner diagrammet som PNG",
    "Download plot as JSON": "Ladda ner diagrammet som JSON",
    "Draw circle": "Rita cirkel",
    "Draw closed freeform": "Rita sluten frihandsform",
    "Draw line": "Rita linje",
    "Draw open freeform": "Rita öppen frihandsform",
    "Draw rectangle": "Rita rektangel",
    "Erase active shape": "Radera vald form",
    "Image download succeeded": "Bilden har laddats ner",
    "JSON download succeeded": "JSON-filen har laddats ner",
    "Lasso Select": "Välj med lasso",
    "Orbital rotation": "Rotera runt",
    Pan: "Panorera",
    "Preparing image - this may take a few seconds": "Bilden skapas – det kan ta några sekunder",
    "Produced with Plotly.js": "Skapat med Plotly.js",
    Reset: "Återställ",
    "Reset axes": "Återställ axlarna",
    "Reset camera to default": "Återställ kameran",
    "Reset camera to last save": "Återställ kameran till senast sparade",
    "Reset view": "Återställ vyn",
    "Reset views": "Återställ vyerna",
    "Share chart...": "Dela diagrammet …",
    "Show closest data on hover": "Visa närmaste värde vid pekaren",
    "Sorry, there was a problem downloading your image!": "Bilden kunde inte laddas ner.",
    "Sorry, there was a problem downloading your JSON file!": "JSON-filen kunde inte laddas ner.",
    "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
    "Toggle show closest data on hover": "Visa eller dölj närmaste värde vid pekaren",
    "Turntable rotation": "Vrid runt",
    Zoom: "Zooma",
    "Zoom in": "Zooma in",
    "Zoom out": "Zooma ut",
  };

  function register() {
    var plotly = window.Plotly;
    if (!plotly || typeof plotly.register !== "function") return false;
    plotly.register({ moduleType: "locale", name: "sv", dictionary: DICTIONARY });
    plotly.setPlotConfig({ locale: "sv" });
    return true;
  }

  if (!register()) {
    document.addEventListener("DOMContentLoaded", register);
  }
})();
