/* Search pages: submit when the sort changes, and open the filters on wide screens. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) { return; }

  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
  });

  // Empty fields make noisy URLs (and `near=` with a radius is refused): leave them out.
  form.addEventListener("formdata", function (event) {
    var data = event.formData;
    var empty = [];
    data.forEach(function (value, key) { if (value === "") { empty.push(key); } });
    empty.forEach(function (key) {
      var kept = data.getAll(key).filter(function (v) { return v !== ""; });
      data.delete(key);
      kept.forEach(function (v) { data.append(key, v); });
    });
    if (!data.get("near")) { data.delete("radius_km"); }
  });

  // The MRC list shows only the chosen region's MRCs; a chosen MRC of another region is let go.
  var region = form.querySelector("#region");
  var mrc = form.querySelector("[data-mrc-select]");
  if (region && mrc) {
    region.addEventListener("change", function () {
      Array.prototype.forEach.call(mrc.options, function (option) {
        var other = option.value !== "" && region.value !== "" && option.dataset.region !== region.value;
        option.hidden = other;
        option.disabled = other;
        if (other && option.selected) { mrc.value = ""; }
      });
    });
  }

  // The filters panel comes closed (folded on phones); wider screens already show its content through
  // CSS, so opening it here only keeps its state true for assistive technology, and moves nothing. (A
  // browser without ::details-content shows it closed until this runs.)
  var panel = document.querySelector("[data-filters]");
  if (panel && window.matchMedia("(min-width: 901px)").matches) {
    panel.open = true;
  }
})();
