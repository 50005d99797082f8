/* Address autocomplete: an accessible combobox (WAI-ARIA 1.2, list autocomplete) over the search field,
   filled with settlement and street names from /api/v1/addresses/suggest/. Progressive enhancement:
   without JavaScript the field is a plain text input and the form works the same. Arrow keys move
   through the options, Enter picks one, Escape closes the list; a live region says how many there are.
   Also shows the "Use my location" button on the representatives page and fills latitude and longitude. */
(function () {
  "use strict";
  var input = document.getElementById("address");
  var list = document.getElementById("address-suggestions");
  var status = document.getElementById("address-suggestions-status");
  if (input && list && input.dataset.suggestUrl && window.fetch) {
    var timer = null;
    var last = "";
    var controller = null;
    var active = -1;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var options = function () { return list.querySelectorAll("[role=option]"); };
    var close = function () {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    var highlight = function (index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      for (var i = 0; i < items.length; i++) { items[i].setAttribute("aria-selected", i === active ? "true" : "false"); }
      input.setAttribute("aria-activedescendant", items[active].id);
    };
    var choose = function (item) {
      input.value = item.textContent;
      last = input.value;
      close();
      input.focus();
    };
    var show = function (labels) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      labels.forEach(function (label, i) {
        var option = document.createElement("li");
        option.id = "address-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = label;
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(option); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = !labels.length;
      input.setAttribute("aria-expanded", labels.length ? "true" : "false");
      if (status) { status.textContent = labels.length ? status.dataset.template : ""; }
    };

    input.addEventListener("input", function () {
      var text = input.value;
      if (timer) { window.clearTimeout(timer); }
      if (text.trim().length < 2) { close(); return; }
      if (text === last) { return; }
      timer = window.setTimeout(function () {
        last = text;
        if (controller) { controller.abort(); }
        controller = window.AbortController ? new AbortController() : null;
        var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { "Accept": "application/json" }, signal: controller ? controller.signal : undefined })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) { show(data.suggestions || []); })
          .catch(function () { /* offline or aborted: the plain field still works */ });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options().length;
      if (event.key === "ArrowDown" && open) { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp" && open) { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && open && active >= 0) { event.preventDefault(); choose(options()[active]); }
      else if (event.key === "Escape" && open) { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
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
