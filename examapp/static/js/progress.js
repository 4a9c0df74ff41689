// Long work shows how far the server has got instead of a frozen page (examapp/progress.py).
// A form post (an import): once sent, poll until the answer replaces this page.
// A download link (an exam's .xlsx): this page stays, so poll until the job's file is gone (the workbook is
// written and on its way) and then say so; a job never seen (done at once, or on another app server) hides the
// line after a few polls. Each click gets a fresh job id.
(function () {
  "use strict";
  var UNSEEN_POLLS = 3;

  function show(panel, data) {
    var bar = panel.querySelector("progress");
    if (data.message) { panel.querySelector(".progress-text").textContent = data.message; }
    if (data.percent === null || data.percent === undefined) { bar.removeAttribute("value"); }
    else { bar.value = data.percent; }
  }

  // Poll url every second; `answer(ok, data)` returns false to stop.
  function poll(url, answer) {
    function again() { window.setTimeout(once, 1000); }
    function once() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          return response.json().then(function (data) { if (answer(response.ok, data) !== false) { again(); } });
        })
        .catch(again);  // keep the last message: the answer may be on its way
    }
    window.setTimeout(once, 500);
  }

  function watchForm(form) {
    var url = form.getAttribute("data-progress");
    var panel = form.querySelector(".progress-panel");
    if (!url || !panel) { return; }
    form.addEventListener("submit", function () {
      panel.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      poll(url, function (ok, data) { show(panel, data); });
    });
  }

  function freshJob() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function watchLink(link) {
    var panel = link.parentElement.querySelector(".progress-panel");
    if (!panel) { return; }
    var waiting = panel.querySelector(".progress-text").textContent;
    link.addEventListener("click", function () {
      var job = freshJob();
      link.href = link.href.replace(/([?&]job=)[^&#]*/, "$1" + job);
      var url = link.getAttribute("data-progress").replace(/[^/]*$/, job);
      var seen = false, unseen = 0;
      panel.hidden = false;
      show(panel, { message: waiting, percent: null });
      poll(url, function (ok, data) {
        if (ok) { seen = true; show(panel, data); return true; }
        if (!seen) {
          unseen += 1;
          if (unseen < UNSEEN_POLLS) { return true; }
          panel.hidden = true;
          return false;
        }
        show(panel, { message: panel.getAttribute("data-done") || "", percent: 100 });
        window.setTimeout(function () { panel.hidden = true; }, 8000);
        return false;
      });
    });
  }

  document.querySelectorAll("form[data-progress]").forEach(watchForm);
  document.querySelectorAll("a[data-progress]").forEach(watchLink);
})();
