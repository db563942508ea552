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

  // Money the way the server writes it (marketplace/common/money.py): "1 234,50 $" in French, "$1,234.50" in English.
  function formatMoney(amountCents) {
    var sign = amountCents < 0 ? "-" : "";
    var abs = Math.abs(amountCents);
    var whole = String(Math.floor(abs / 100));
    var decimals = String(abs % 100).padStart(2, "0");
    var english = (document.documentElement.lang || "fr").toLowerCase().indexOf("en") === 0;
    var groups = whole.replace(/\B(?=(\d{3})+(?!\d))/g, english ? "," : "\u202f");
    return english ? sign + "$" + groups + "." + decimals : sign + groups + "," + decimals + "\u00a0$";
  }
  // The invoice form (invoicing.js) writes its live totals with the same formatter.
  window.marketplaceFormatMoney = formatMoney;

  // A typed amount in cents, or null when empty or not a number ("12,50" is read like "12.50").
  function cents(input) {
    if (!input || input.value.trim() === "") return null;
    var number = Number(input.value.trim().replace(",", "."));
    return isFinite(number) ? Math.round(number * 100) : null;
  }

  // Rate × hours in cents, half a cent rounded to even as the server does (Decimal.quantize).
  function timesHours(rateCents, hours) {
    var exact = rateCents * hours;
    var floor = Math.floor(exact);
    if (Math.abs(exact - floor - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
    return Math.round(exact);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return values[key]; });
  }

  // The sum of the line items, live, beside the quote's total: the service refuses a detail that doesn't add up.
  function updateLineItemsTotal() {
    var box = document.querySelector("[data-line-items-total]");
    if (!box) return;
    var form = box.closest("form");
    var sum = 0, count = 0;
    form.querySelectorAll('input[name^="items-"][name$="-amount"]').forEach(function (input) {
      var value = cents(input);
      if (value !== null) { sum += value; count += 1; }
    });
    box.hidden = count === 0;
    box.classList.remove("is-ok", "is-gap");
    if (count === 0) return;
    var total = cents(form.querySelector('input[name="amount"]'));
    var pricing = form.querySelector('input[name="pricing"]:checked');
    if (total !== null && pricing && pricing.value === "hourly") {
      var hours = Number((form.querySelector('input[name="estimated_hours"]') || {}).value || NaN);
      total = isFinite(hours) && hours > 0 ? timesHours(total, hours) : null;
    }
    var values = { sum: formatMoney(sum) };
    if (total === null) {
      box.textContent = fill(box.dataset.textSum, values);
    } else if (total === sum) {
      box.textContent = fill(box.dataset.textMatch, values);
      box.classList.add("is-ok");
    } else {
      values.total = formatMoney(total);
      values.gap = formatMoney(Math.abs(total - sum));
      box.textContent = fill(box.dataset.textGap, values);
      box.classList.add("is-gap");
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.querySelector("[data-line-items-total]")) updateLineItemsTotal();
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "budget_type") toggleBudgetRange();
    if (event.target.name === "pricing") { toggleHours(); updateLineItemsTotal(); }
    // List filters apply as soon as they change; the "Filtrer" button stays for keyboards and no-JS.
    var filters = event.target.form;
    if (filters && filters.hasAttribute("data-auto-submit")) filters.submit();
  });
  document.addEventListener("DOMContentLoaded", function () {
    toggleBudgetRange();
    toggleHours();
    updateLineItemsTotal();
  });
})();
