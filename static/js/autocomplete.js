/* Autocomplete for [data-autocomplete] boxes: municipalities (one value) and skills (chips). No inline JS. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setup(box) {
    var kind = box.getAttribute("data-autocomplete");
    var url = box.getAttribute("data-url");
    var input = box.querySelector('input[type="text"]');
    var list = box.querySelector(".autocomplete-list");
    var hidden = box.querySelector("[data-autocomplete-value]");
    var chips = box.querySelector("[data-chips]");
    var items = [];
    var active = -1;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.name;
        // Places: "Saint-Louis — Kamouraska, Bas-Saint-Laurent" (the label), the MRC and region muted.
        var where = item.label && item.label.indexOf(item.name) === 0 ? item.label.slice(item.name.length)
          : (item.region_name ? " · " + item.region_name : "");
        if (where) {
          var small = document.createElement("span");
          small.className = "muted small";
          small.textContent = where;
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function highlight(i) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (options[i]) { input.setAttribute("aria-activedescendant", options[i].id); }
    }

    function addChip(item) {
      var exists = chips.querySelector('input[value="' + CSS.escape(item.slug) + '"]');
      if (exists) { return; }
      var li = document.createElement("li");
      li.className = "tag chip";
      li.textContent = item.name;
      var value = document.createElement("input");
      value.type = "hidden";
      value.name = "skills";
      value.value = item.slug;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", "×");
      remove.textContent = "×";
      li.appendChild(value);
      li.appendChild(remove);
      chips.appendChild(li);
    }

    function choose(i) {
      var item = items[i];
      if (!item) { return; }
      if (kind === "skills") {
        addChip(item);
        input.value = "";
      } else {
        input.value = item.name;
        hidden.value = item.id;
      }
      close();
      box.dispatchEvent(new CustomEvent("autocomplete:chosen", { bubbles: true, detail: item }));
    }

    var fetchItems = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { items = []; render(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { items = data.results || []; render(); })
        .catch(function () { /* aborted or offline: keep what the user typed */ });
    }, 150);

    input.addEventListener("input", function () {
      if (hidden) { hidden.value = ""; }
      fetchItems();
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    if (chips) {
      chips.addEventListener("click", function (event) {
        if (event.target.classList.contains("chip-remove")) { event.target.closest("li").remove(); }
      });
    }
  }

  document.querySelectorAll("[data-autocomplete]").forEach(setup);
})();
