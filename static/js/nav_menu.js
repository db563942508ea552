// The header's « Explorer » menu: a disclosure button (aria-expanded) that shows or hides its list of links.
// Escape closes it and gives the focus back to the button; a click or the focus elsewhere closes it too.
(function () {
  "use strict";
  for (const menu of document.querySelectorAll("[data-nav-menu]")) {
    const button = menu.querySelector("button[aria-controls]");
    const list = document.getElementById(button.getAttribute("aria-controls"));
    const isOpen = () => button.getAttribute("aria-expanded") === "true";
    const setOpen = (open) => {
      button.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
    };
    button.addEventListener("click", () => setOpen(!isOpen()));
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && isOpen()) {
        setOpen(false);
        button.focus();
      }
    });
    menu.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) setOpen(false);
    });
    document.addEventListener("click", (event) => {
      if (isOpen() && !menu.contains(event.target)) setOpen(false);
    });
  }
})();
