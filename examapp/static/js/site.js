// Site-wide behaviour: the larger-text switch (remembered on this device), confirm buttons, the service
// worker (offline reading), the queue of reading time earned offline, and forgetting it all at log-out.
(function () {
  "use strict";
  var KEY = "examapp.largeText";
  var SAVED = "examapp.savedLaws";          // {slug: {title, url, kept}}: what the offline page lists
  var QUEUE = "examapp.offlineReading.";    // + user id: {segments: [...], pending: {batch, segments}}
  function apply(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.querySelectorAll("[data-text-size]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  try { apply(localStorage.getItem(KEY) === "1"); } catch (e) { /* storage may be off */ }

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or off: nothing to do */ }
  }
  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  }

  // Reading time earned offline: study.js adds stretches, this sends them once the connection is back.
  var reading = {
    key: function () { var user = meta("examapp-user"); return user ? QUEUE + user : ""; },
    add: function (slug, startedMs, seconds) {
      var key = reading.key();
      if (!key || seconds <= 0) { return; }
      var queue = read(key, { segments: [] });
      var last = queue.segments[queue.segments.length - 1];
      if (last && last.slug === slug && last.startedMs === startedMs) { last.seconds += seconds; }
      else { queue.segments.push({ slug: slug, startedMs: startedMs, seconds: seconds }); }
      write(key, queue);
    },
    send: function (token, pending) {
      return fetch("/api/v1/study/offline-time", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ batch: pending.batch, segments: pending.segments })
      });
    },
    freshToken: function () {
      return fetch("/me", { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); })
        .then(function (html) {
          var m = new DOMParser().parseFromString(html, "text/html").querySelector('meta[name="csrf-token"]');
          return m ? m.getAttribute("content") : "";
        });
    },
    flush: function () {
      var key = reading.key();
      if (!key || !navigator.onLine || !window.fetch) { return Promise.resolve(); }
      var queue = read(key, { segments: [] });
      if (!queue.pending && queue.segments.length) {
        // The batch key is fixed before sending: if the reply is lost, the resend is recognised and credits nothing.
        queue.pending = { batch: "r" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10),
          segments: queue.segments.map(function (s) {
            return { slug: s.slug, started_at: new Date(s.startedMs).toISOString(), seconds: Math.round(s.seconds) };
          }).filter(function (s) { return s.seconds >= 1; }) };
        queue.segments = [];
        write(key, queue);
      }
      if (!queue.pending) { return Promise.resolve(); }
      var pending = queue.pending;
      function done(r) {
        if (r.ok || r.status === 422) {  // credited, or refused for good: either way it is settled
          var now = read(key, { segments: [] });
          delete now.pending;
          write(key, now);
          document.dispatchEvent(new CustomEvent("examapp:reading-sent", { detail: { status: r.status } }));
        }
        return r;
      }
      return reading.send(meta("csrf-token"), pending).then(function (r) {
        if (r.status !== 400) { return done(r); }
        return reading.freshToken().then(function (token) { return reading.send(token, pending); }).then(done);
      }).catch(function () { /* still offline: the next chance sends it */ });
    }
  };
  window.examappReading = reading;

  function forgetOfflineCopies() {
    // A shared phone: the next person must not find this person's pages or queue.
    try {
      localStorage.removeItem(SAVED);
      Object.keys(localStorage).forEach(function (k) { if (k.indexOf(QUEUE) === 0) { localStorage.removeItem(k); } });
    } catch (e) { /* ignore */ }
    if (window.caches) {
      ["examapp-opened", "examapp-kept"].forEach(function (name) { caches.delete(name); });
    }
  }

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
    document.querySelectorAll("form[data-logout]").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        // Reading time still queued goes out first (while the session lasts), then the copies are forgotten.
        var key = reading.key();
        var queue = key ? read(key, { segments: [] }) : { segments: [] };
        if (navigator.onLine && (queue.pending || queue.segments.length) && !f.hasAttribute("data-flushed")) {
          ev.preventDefault();
          f.setAttribute("data-flushed", "1");
          reading.flush().then(function () { forgetOfflineCopies(); f.submit(); });
          return;
        }
        forgetOfflineCopies();
      });
    });
    reading.flush();
  });
  window.addEventListener("online", function () { reading.flush(); });
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* no offline reading */ });
    });
  }
})();
