// Study credits: while an article page is visible and in use, send a heartbeat; the server credits the time.
// Hidden tabs (Page Visibility API) and idle readers send nothing creditable.
(function () {
  "use strict";
  var BEAT_MS = 30000;
  var IDLE_MS = 120000;
  var page = document.querySelector("[data-heartbeat-url]");
  if (!page || !window.fetch) { return; }
  var url = page.getAttribute("data-heartbeat-url");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var status = document.querySelector("[data-study-status]");
  var lastActivity = Date.now();
  var timer = null;

  function send(visible) {
    var body = JSON.stringify({
      slug: page.getAttribute("data-law"),
      number: parseInt(page.getAttribute("data-number"), 10),
      visible: visible,
      active: Date.now() - lastActivity < IDLE_MS
    });
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !visible,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: body
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && status && typeof data.today_seconds === "number") {
        status.textContent = status.getAttribute("data-label-today") ?
          status.getAttribute("data-label-today").replace("%s", Math.floor(data.today_seconds / 60)) : "";
      }
    }).catch(function () { /* offline: the next beat starts the clock again */ });
  }

  function start() {
    if (timer === null) {
      send(true);
      timer = window.setInterval(function () { send(true); }, BEAT_MS);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
      send(false);
    }
  }

  ["scroll", "keydown", "pointerdown", "pointermove", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { lastActivity = Date.now(); start(); } else { stop(); }
  });
  window.addEventListener("pagehide", stop);
  if (document.visibilityState === "visible") { start(); }
})();
