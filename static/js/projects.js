// Project and quote forms: show only the fields that matter for the current choice.
(function () {
  "use strict";

  function toggleBudgetRange() {
    var range = document.querySelector("[data-budget-range]");
    if (!range) return;
    var checked = document.querySelector('input[name="budget_type"]:checked');
    range.hidden = checked !== null && checked.value === "to_discuss";
  }

  function toggleHours() {
    var hours = document.querySelector('input[name="estimated_hours"]');
    if (!hours) return;
    var checked = document.querySelector('input[name="pricing"]:checked');
    var field = hours.closest(".field");
    if (field) field.hidden = !(checked && checked.value === "hourly");
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "budget_type") toggleBudgetRange();
    if (event.target.name === "pricing") toggleHours();
    // List filters apply as soon as they change; the "Filtrer" button stays for keyboards and no-JS.
    var filters = event.target.form;
    if (filters && filters.hasAttribute("data-auto-submit")) filters.submit();
  });
  document.addEventListener("DOMContentLoaded", function () {
    toggleBudgetRange();
    toggleHours();
  });
})();
