// Study credits: while an article page is visible and in use, send a heartbeat; the server credits the time.
// Hidden tabs (Page Visibility API) and idle readers send nothing creditable. Without a connection the same
// rules are applied here and the time is queued (site.js sends it when the connection returns).
(function () {
  "use strict";
  var BEAT_MS = window.examappBeatMs || 30000;  // the browser tests shorten the beat; the server's rule is per gap
  var IDLE_MS = 120000;
  var MAX_GAP_MS = 60000;  // as on the server: a longer silence earns nothing
  var page = document.querySelector("[data-heartbeat-url]");
  if (!page || !window.fetch) { return; }
  var url = page.getAttribute("data-heartbeat-url");
  var slug = page.getAttribute("data-law");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var status = document.querySelector("[data-study-status]");
  var lastActivity = Date.now();
  var timer = null;
  var offline = { last: null, start: null };  // the stretch being read without a connection
  var restart = false;  // after offline beats, the server's clock must start again, not count that time twice

  function remember() {
    // The offline page lists what this phone has: the last page opened of each law.
    try {
      var saved = JSON.parse(localStorage.getItem("examapp.savedLaws")) || {};
      var entry = saved[slug] || {};
      entry.title = page.getAttribute("data-law-title") || entry.title || slug;
      if (!entry.kept) { entry.url = location.pathname; }
      saved[slug] = entry;
      localStorage.setItem("examapp.savedLaws", JSON.stringify(saved));
    } catch (e) { /* storage off */ }
    if (window.caches && navigator.onLine && !(navigator.serviceWorker && navigator.serviceWorker.controller)) {
      // The service worker was not yet in charge when this page loaded: keep a copy of it now.
      caches.open("examapp-opened").then(function (c) { return c.add(location.pathname); }).catch(function () {});
    }
  }

  function readOffline(visible, active) {
    var now = Date.now();
    if (!(visible && active)) { offline.last = null; return; }
    if (offline.last !== null && now - offline.last <= MAX_GAP_MS && window.examappReading) {
      window.examappReading.add(slug, offline.start, (now - offline.last) / 1000);
    } else {
      offline.start = now;
    }
    offline.last = now;
    restart = true;
  }

  function showToday(data) {
    if (data && status && typeof data.today_seconds === "number" && status.getAttribute("data-label-today")) {
      status.textContent = status.getAttribute("data-label-today").replace("%s", Math.floor(data.today_seconds / 60));
    }
  }

  function send(visible) {
    var active = Date.now() - lastActivity < IDLE_MS;
    if (!navigator.onLine) { readOffline(visible, active); return Promise.resolve(); }
    var body = JSON.stringify({
      slug: slug, number: parseInt(page.getAttribute("data-number"), 10),
      visible: visible, active: active && !restart
    });
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !visible,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: body
    }).then(function (r) {
      restart = false;
      offline.last = null;
      return r.ok ? r.json() : null;
    }).then(showToday).catch(function () { readOffline(visible, active); });
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
  remember();
  if (document.visibilityState === "visible") { start(); }
})();
