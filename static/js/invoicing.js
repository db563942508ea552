// The invoice form: subtotal, TPS, TVQ and total, live, as the lines change (the rule of invoicing/taxes.py).
(function () {
  "use strict";

  // A typed number ("12,50", "1 200") or null when empty or not a number.
  function number(input) {
    if (!input || input.value.trim() === "") return null;
    var value = Number(input.value.trim().replace(/[\s\u202f\u00a0]/g, "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  // amount × rate / divisor in cents, half up, on whole numbers so no float error reaches the cent.
  function halfUp(cents, rate, divisor) {
    return Math.floor((cents * rate + divisor / 2) / divisor);
  }

  function update(form) {
    var format = window.marketplaceFormatMoney;
    if (!format) return;
    var subtotal = 0;
    form.querySelectorAll(".invoice-line").forEach(function (row) {
      var quantity = number(row.querySelector('input[name$="-quantity"]'));
      var price = number(row.querySelector('input[name$="-unit_price"]'));
      if (price === null) return;
      if (quantity === null) quantity = 1;
      // Quantity and price have two decimals: their product in cents is rounded half up like the server's.
      subtotal += Math.round(Math.round(quantity * 100) * Math.round(price * 100) / 100);
    });
    var taxed = form.dataset.taxRegistered === "1";
    var tps = taxed ? halfUp(subtotal, 5, 100) : 0;
    var tvq = taxed ? halfUp(subtotal, 9975, 100000) : 0;
    var values = { subtotal: subtotal, tps: tps, tvq: tvq, total: subtotal + tps + tvq };
    form.querySelectorAll("[data-total]").forEach(function (cell) {
      cell.textContent = format(values[cell.dataset.total]);
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-invoice-form")) update(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-invoice-form]").forEach(update);
  });
})();
