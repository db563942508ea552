// « Mon calendrier »: the page works as a plain form; this only says how many weeks changed before saving.
(function () {
  "use strict";
  var form = document.querySelector("[data-calendar]");
  if (!form) return;
  var status = form.querySelector("[data-calendar-status]");
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="weeks"]'));
  var initial = boxes.map(function (box) { return box.checked; });
  var lang = document.documentElement.lang || "fr";
  var fr = lang.indexOf("fr") === 0;

  function describe(changed, booked) {
    if (!changed) return fr ? booked + " semaine(s) réservée(s)" : booked + " week(s) booked";
    return fr ? changed + " modification(s) non enregistrée(s)" : changed + " unsaved change(s)";
  }

  function update() {
    var changed = 0;
    var booked = 0;
    boxes.forEach(function (box, i) {
      if (box.checked !== initial[i]) changed += 1;
      if (box.checked) booked += 1;
    });
    status.textContent = describe(changed, booked);
    form.classList.toggle("calendar-dirty", changed > 0);
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function () { initial = boxes.map(function (box) { return box.checked; }); });
  window.addEventListener("beforeunload", function (event) {
    if (form.classList.contains("calendar-dirty")) { event.preventDefault(); event.returnValue = ""; }
  });
  update();
})();
