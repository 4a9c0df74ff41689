// 下载离线阅读: copy a law's contents page and every article page into the "kept" cache, which the service
// worker serves when there is no connection. Four pages at a time, with progress; a second tap removes it.
(function () {
  "use strict";
  var box = document.querySelector("[data-keep]");
  if (!box || !window.caches || !window.fetch || !("serviceWorker" in navigator)) { return; }
  var KEPT = "examapp-kept";
  var SAVED = "examapp.savedLaws";
  var button = box.querySelector("[data-keep-button]");
  var status = box.querySelector("[data-keep-status]");
  var slug = box.getAttribute("data-slug");
  var base = location.pathname;
  var urls = [base].concat(Array.prototype.map.call(
    document.querySelectorAll(".toc a[href*='/articles/']"), function (a) { return new URL(a.href).pathname; }));

  function label(name, done, total) {
    return box.getAttribute(name).replace("%d", done).replace("%t", total);
  }
  function saved() { try { return JSON.parse(localStorage.getItem(SAVED)) || {}; } catch (e) { return {}; } }
  function mark(kept) {
    var all = saved();
    if (kept) { all[slug] = { title: box.getAttribute("data-title"), url: base, kept: true }; }
    else if (all[slug]) { all[slug].kept = false; }
    try { localStorage.setItem(SAVED, JSON.stringify(all)); } catch (e) { /* storage off */ }
  }
  function show(kept) {
    button.textContent = box.getAttribute(kept ? "data-label-remove" : "data-label-keep");
    button.setAttribute("data-kept", kept ? "1" : "0");
    status.textContent = kept ? label("data-label-kept", urls.length, urls.length) : "";
  }

  function keep() {
    button.disabled = true;
    var done = 0;
    var queue = urls.slice();
    return caches.open(KEPT).then(function (cache) {
      function worker() {
        var next = queue.shift();
        if (!next) { return Promise.resolve(); }
        return fetch(next, { credentials: "same-origin", headers: { "X-Offline-Keep": "1" } }).then(function (r) {
          if (!r.ok || r.redirected) { throw new Error("not saved"); }
          return cache.put(next, r);
        }).then(function () {
          done += 1;
          status.textContent = label("data-label-saving", done, urls.length);
          return worker();
        });
      }
      return Promise.all([worker(), worker(), worker(), worker()]);
    }).then(function () { mark(true); show(true); }, function () {
      status.textContent = box.getAttribute("data-label-failed");
    }).then(function () { button.disabled = false; });
  }

  function remove() {
    return caches.open(KEPT).then(function (cache) {
      return Promise.all(urls.map(function (u) { return cache.delete(u); }));
    }).then(function () { mark(false); show(false); });
  }

  button.addEventListener("click", function () {
    if (button.getAttribute("data-kept") === "1") { remove(); } else { keep(); }
  });
  caches.open(KEPT).then(function (cache) { return cache.match(base); }).then(function (hit) {
    show(Boolean(hit && saved()[slug] && saved()[slug].kept));
    box.hidden = false;
  });
})();
