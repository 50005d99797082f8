// Progressive enhancement: refresh a petition's count from the cached count endpoint while the
// page is open. Without JavaScript the page shows the count as of loading.
(function () {
  "use strict";
  var box = document.querySelector("[data-count-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-count-url");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      box.querySelectorAll("[data-count]").forEach(function (el) {
        var key = el.getAttribute("data-count");
        if (typeof data[key] === "number") { el.textContent = String(data[key]); }
      });
      var bar = document.getElementById("progress");
      var shown = box.querySelector("[data-count]");
      if (bar && shown) {
        var value = parseInt(shown.textContent, 10);
        var max = parseInt(bar.getAttribute("max"), 10);
        if (!isNaN(value) && !isNaN(max)) { bar.value = Math.min(value, max); }
      }
    }).catch(function () {});
  }
  window.setInterval(refresh, 15000);
}());
