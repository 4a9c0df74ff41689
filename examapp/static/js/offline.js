// The offline page: list the laws this phone can show without a connection (kept ones first).
(function () {
  "use strict";
  var list = document.querySelector("[data-offline-laws]");
  var none = document.querySelector("[data-offline-none]");
  if (!list) { return; }
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem("examapp.savedLaws")) || {}; } catch (e) { /* storage off */ }
  var slugs = Object.keys(saved).sort(function (a, b) {
    return (saved[b].kept ? 1 : 0) - (saved[a].kept ? 1 : 0) || String(saved[a].title).localeCompare(saved[b].title);
  });
  slugs.forEach(function (slug) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = saved[slug].url || ("/study/laws/" + slug);
    link.textContent = saved[slug].title || slug;
    item.appendChild(link);
    list.appendChild(item);
  });
  if (none) { none.hidden = slugs.length > 0; }
  list.hidden = slugs.length === 0;
})();
