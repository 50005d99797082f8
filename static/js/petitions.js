// Progressive enhancement: refresh a petition's count from the cached count endpoint while the
// page is open, and a copy button for the share link. Without JavaScript the page shows the count
// as of loading and the link to select by hand.
(function () {
  "use strict";
  var language = document.documentElement.lang || "kk";
  function grouped(n) {
    // The same grouping as the server's `grouped` filter: "46 000" in kk and ru, "46,000" in en.
    try { return n.toLocaleString(language === "en" ? "en-GB" : "ru-RU"); } catch (e) { return String(n); }
  }
  var copy = document.getElementById("copy-share-link");
  var link = document.getElementById("share-link");
  if (copy && link && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(link.value).then(function () {
        var done = copy.getAttribute("data-done");
        if (done) { copy.textContent = done; }
      });
    });
  }
  var box = document.querySelector("[data-count-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-count-url");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      var first = null;
      box.querySelectorAll("[data-count]").forEach(function (el) {
        var key = el.getAttribute("data-count");
        if (typeof data[key] === "number") {
          el.textContent = grouped(data[key]);
          if (first === null) { first = data[key]; }
        }
      });
      var bar = document.getElementById("progress");
      if (bar && first !== null) {
        var max = parseInt(bar.getAttribute("max"), 10);
        if (!isNaN(max)) { bar.value = Math.min(first, max); }
      }
    }).catch(function () {});
  }
  window.setInterval(refresh, 10000);
}());
