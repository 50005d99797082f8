// Progressive enhancement for the staff forms: the commission and deputy pickers show only the
// chosen maslikhat's options (each option carries data-maslikhat). Without JavaScript the server
// narrows them once the form comes back with a maslikhat chosen.
(function () {
  "use strict";
  var maslikhat = document.getElementById("id_maslikhat");
  if (!maslikhat) { return; }
  var pickers = ["id_commission", "id_deputies"].map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  function apply() {
    var chosen = maslikhat.value;
    pickers.forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        var owner = option.getAttribute("data-maslikhat");
        var show = !owner || !chosen || owner === chosen;
        option.hidden = !show;
        option.disabled = !show;
        if (!show && option.selected) { option.selected = false; }
      });
    });
  }
  maslikhat.addEventListener("change", apply);
  apply();
}());
