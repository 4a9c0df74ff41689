// The service worker: statutes read without a connection. Served from /sw.js so its scope is the whole site.
// It caches only the site's own files and the statute library's pages (laws, articles, cases); it never
// touches exam pages or the API (answers, heartbeats, submissions go to the network or the exam's own queue).
"use strict";
var VERSION = "__VERSION__";
var STATIC = "examapp-static-" + VERSION;
var OPENED = "examapp-opened";   // pages the learner opened, the oldest dropped beyond MAX_OPENED
var KEPT = "examapp-kept";       // laws the learner chose to keep (下载离线阅读), kept until removed
var MAX_OPENED = 300;
var SLOW_MS = 4000;              // on a slow line, a kept copy is shown rather than waiting longer
var PRECACHE = __PRECACHE__;
var STUDY_PAGE = /^\/study\/(?:laws\/[^/]+(?:\/articles\/\d+)?|cases\/\d+)?$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    return cache.addAll(PRECACHE.map(function (url) { return new Request(url, { credentials: "omit" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("examapp-static-") === 0 && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function offlinePage() {
  return caches.match("/offline").then(function (page) {
    return page || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(keys.length - MAX_OPENED, 0)).map(function (k) { return cache.delete(k); }));
  });
}

function remember(request, response) {
  // A kept law's page is refreshed in the kept cache; any other study page goes to the opened cache.
  return caches.open(KEPT).then(function (kept) {
    return kept.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit) { return kept.put(request, response); }
      return caches.open(OPENED).then(function (opened) {
        return opened.delete(request).then(function () { return opened.put(request, response); })
          .then(function () { return trim(opened); });
      });
    });
  });
}

function studyPage(event) {
  var request = event.request;
  var network = fetch(request).then(function (response) {
    if (cacheable(response)) { event.waitUntil(remember(request, response.clone())); }
    return response;
  });
  var copy = caches.match(request, { ignoreVary: true });
  var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_MS); }).then(function () { return copy; });
  var firstUsable = Promise.race([network, slow.then(function (hit) { return hit || network; })]);
  return firstUsable.catch(function () {
    return copy.then(function (hit) { return hit || offlinePage(); });
  });
}

function staticFile(event) {
  var request = event.request;
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    var network = fetch(request).then(function (response) {
      if (cacheable(response)) {
        var copy = response.clone();
        event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.put(request, copy); }));
      }
      return response;
    });
    if (hit) { event.waitUntil(network.catch(function () { return null; })); return hit; }
    return network;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var path = url.pathname;
  if (path.indexOf("/api/") === 0 || path.indexOf("/exams/") === 0) { return; }  // never cached, never answered here
  if (path.indexOf("/static/") === 0) { event.respondWith(staticFile(event)); return; }
  if (request.headers.get("X-Offline-Keep")) { return; }  // 下载离线阅读 stores these pages itself
  if (STUDY_PAGE.test(path) && !url.search) { event.respondWith(studyPage(event)); return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
