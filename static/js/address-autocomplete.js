/* Address autocomplete: fills the search field's <datalist> with settlement and street names from
   /api/v1/addresses/suggest/. Progressive enhancement: without it the form works the same. Also shows
   the "Use my location" button on the representatives page and fills latitude and longitude. */
(function () {
  "use strict";
  var input = document.getElementById("address");
  var list = document.getElementById("address-suggestions");
  if (input && list && input.dataset.suggestUrl && window.fetch) {
    var timer = null;
    var last = "";
    var controller = null;
    input.addEventListener("input", function () {
      var text = input.value;
      if (timer) { window.clearTimeout(timer); }
      if (text.trim().length < 2 || text === last) { return; }
      timer = window.setTimeout(function () {
        last = text;
        if (controller) { controller.abort(); }
        controller = window.AbortController ? new AbortController() : null;
        var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { "Accept": "application/json" }, signal: controller ? controller.signal : undefined })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            (data.suggestions || []).forEach(function (label) {
              var option = document.createElement("option");
              option.value = label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* offline or aborted: the plain field still works */ });
      }, 200);
    });
  }

  var locate = document.getElementById("use-location");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  if (locate && lat && lon && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        locate.form.submit();
      });
    });
  }
})();
