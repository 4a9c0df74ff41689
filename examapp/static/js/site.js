// Site-wide behaviour: the larger-text switch (remembered on this device) and confirm buttons.
(function () {
  "use strict";
  var KEY = "examapp.largeText";
  function apply(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.querySelectorAll("[data-text-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  try { apply(localStorage.getItem(KEY) === "1"); } catch (e) { /* storage may be off */ }
  document.addEventListener("DOMContentLoaded", function () {
    var on = document.documentElement.classList.contains("large-text");
    apply(on);
    document.querySelectorAll("[data-text-size]").forEach(function (b) {
      b.addEventListener("click", function () {
        on = !document.documentElement.classList.contains("large-text");
        apply(on);
        try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
      });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        if (!window.confirm(f.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  });
})();
