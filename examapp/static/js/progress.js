// Long form posts (imports): once the form is sent, show how far the server has got instead of a
// frozen page. The browser keeps this page, and this script, until the answer arrives.
(function () {
  "use strict";
  function watch(form) {
    var url = form.getAttribute("data-progress");
    var panel = form.querySelector(".progress-panel");
    if (!url || !panel) { return; }
    form.addEventListener("submit", function () {
      var bar = panel.querySelector("progress");
      var text = panel.querySelector(".progress-text");
      panel.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      function poll() {
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            if (data.message) { text.textContent = data.message; }
            if (data.percent === null || data.percent === undefined) { bar.removeAttribute("value"); }
            else { bar.value = data.percent; }
          })
          .catch(function () { /* keep the last message: the answer may be on its way */ })
          .then(function () { window.setTimeout(poll, 1000); });
      }
      window.setTimeout(poll, 500);
    });
  }
  document.querySelectorAll("form[data-progress]").forEach(watch);
})();
