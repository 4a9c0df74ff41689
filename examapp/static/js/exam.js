// The exam page: server-driven countdown, autosave with an offline queue, navigator, page-leave evidence.
// The server owns the clock and the deadline; this script only displays the remaining time it is told.
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) { return; }
  var d = root.dataset;
  var attemptId = d.attemptId;
  var QUEUE_KEY = "examapp.attempt." + attemptId + ".queue";
  var SEQ_KEY = "examapp.attempt." + attemptId + ".seq";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var statusEl = document.getElementById("save-status");
  var timerEl = document.getElementById("timer");
  var messageEl = document.getElementById("exam-message");
  var form = document.getElementById("exam-form");
  var finished = false, away = false, failures = 0, loggedOut = false;

  // ---- storage (localStorage may be off: then the queue lives in memory only) ----
  var memory = {};
  function load(key, fallback) {
    try { var raw = localStorage.getItem(key); return raw ? JSON.parse(raw) : fallback; }
    catch (e) { return memory[key] !== undefined ? memory[key] : fallback; }
  }
  function store(key, value) {
    memory[key] = value;
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* memory only */ }
  }
  function forget() {
    try { localStorage.removeItem(QUEUE_KEY); localStorage.removeItem(SEQ_KEY); } catch (e) { /* ignore */ }
    memory = {};
  }
  function queue() { return load(QUEUE_KEY, {}); }
  function nextSeq(section) {
    var server = parseInt(section.dataset.seq || "0", 10);
    var seq = Math.max(load(SEQ_KEY, 0), server) + 1;
    store(SEQ_KEY, seq);
    return seq;
  }

  // ---- save status ----
  function setStatus(kind) {
    statusEl.classList.remove("saved", "unsaved", "saving");
    statusEl.classList.add(kind);
    statusEl.textContent = kind === "saved" ? d.msgSaved : kind === "saving" ? d.msgSaving : d.msgUnsaved;
  }
  function showMessage(text) { messageEl.textContent = text; messageEl.hidden = !text; }
  function refreshStatus() {
    var pending = Object.keys(queue()).length;
    if (!pending) { setStatus("saved"); showMessage(""); return; }
    setStatus(failures > 0 || !navigator.onLine ? "unsaved" : "saving");
    if (!navigator.onLine || failures > 0) { showMessage(d.msgOffline); }
  }

  // ---- reading and writing the inputs ----
  function valueOf(section) {
    var type = section.dataset.type;
    if (type === "case") {
      var out = {}, any = false;
      section.querySelectorAll(".subquestion").forEach(function (sub) {
        var v = choiceValue(sub, sub.dataset.type);
        if (v !== null) { out[sub.dataset.sub] = v; any = true; }
      });
      return any ? out : null;
    }
    if (type === "blank") {
      var blanks = [], filled = false;
      section.querySelectorAll("input[data-blank]").forEach(function (input) {
        blanks.push(input.value); if (input.value.trim()) { filled = true; }
      });
      return filled ? blanks : null;
    }
    return choiceValue(section, type);
  }
  function choiceValue(scope, type) {
    var checked = Array.prototype.slice.call(scope.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked:not([data-flag])"));
    if (type === "multiple") { var keys = checked.map(function (i) { return i.value; }); return keys.length ? keys : null; }
    if (!checked.length) { return null; }
    if (type === "true_false") { return checked[0].value === "true"; }
    return checked[0].value;
  }
  function applyValue(section, value) {
    var type = section.dataset.type;
    if (type === "case") {
      section.querySelectorAll(".subquestion").forEach(function (sub) { applyChoice(sub, sub.dataset.type, value && value[sub.dataset.sub]); });
    } else if (type === "blank") {
      section.querySelectorAll("input[data-blank]").forEach(function (input, i) { input.value = value && value[i] != null ? value[i] : ""; });
    } else { applyChoice(section, type, value); }
  }
  function applyChoice(scope, type, value) {
    scope.querySelectorAll("input[type=radio], input[type=checkbox]:not([data-flag])").forEach(function (input) {
      if (type === "multiple") { input.checked = !!value && value.indexOf(input.value) >= 0; }
      else if (type === "true_false") { input.checked = value !== null && value !== undefined && String(value) === input.value; }
      else { input.checked = value === input.value; }
    });
  }
  function sectionOf(el) { return el.closest("section.question"); }
  function flagOf(section) { var f = section.querySelector("input[data-flag]"); return !!(f && f.checked); }

  // ---- navigator (the answer sheet): answered / marked / not answered, in colour and in words ----
  function updateNav(section) {
    var link = document.querySelector('[data-nav="' + section.dataset.questionId + '"]');
    if (!link) { return; }
    var answered = valueOf(section) !== null, flagged = flagOf(section);
    link.classList.toggle("answered", answered);
    link.classList.toggle("flagged", flagged);
    var words = [answered ? d.msgStateAnswered : d.msgStateEmpty];
    if (flagged) { words.push(d.msgStateFlagged); }
    link.querySelector("[data-nav-state]").textContent = " " + words.join(" ");
  }
  function updateUnanswered() {
    var open = 0, flagged = 0, all = document.querySelectorAll("section.question");
    all.forEach(function (s) { if (valueOf(s) === null) { open += 1; } if (flagOf(s)) { flagged += 1; } });
    document.getElementById("unanswered").textContent = open ? d.msgUnanswered.replace("{n}", open) : "";
    document.getElementById("sheet-count").textContent = d.msgSheet.replace("{answered}", all.length - open)
      .replace("{total}", all.length).replace("{flagged}", flagged);
    return open;
  }

  // ---- autosave with an offline queue ----
  function enqueue(section) {
    var q = queue();
    var qid = section.dataset.questionId;
    var seq = nextSeq(section);
    q[qid] = { answer: valueOf(section), flagged: flagOf(section), seq: seq, client_at: new Date().toISOString() };
    store(QUEUE_KEY, q);
    section.dataset.seq = String(seq);
    updateNav(section);
    updateUnanswered();
    refreshStatus();
    flush();
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }
  // One request at a time; a caller arriving while one is in flight waits for the same round.
  var inflight = null;
  function flush() {
    if (finished) { return Promise.resolve(); }
    if (inflight) { return inflight; }
    var q = queue(), ids = Object.keys(q);
    if (!ids.length) { refreshStatus(); return Promise.resolve(); }
    var qid = ids[0], entry = q[qid];
    inflight = api("PUT", d.saveUrl.replace("QID", qid), entry).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok || response.status === 422 || response.status === 404) {
          var now = queue();
          if (now[qid] && now[qid].seq === entry.seq) { delete now[qid]; store(QUEUE_KEY, now); }
          failures = 0; loggedOut = false;
          if (body && typeof body.remaining_seconds === "number") { syncClock(body.remaining_seconds); }
          inflight = null;
          return flush();
        }
        if (response.status === 409) {
          // Finished, or past the deadline: the rest of the queue still goes out, one by one, so that the
          // server keeps every late answer as evidence (it scores none of them); then this page closes.
          var rest = queue(); delete rest[qid]; store(QUEUE_KEY, rest);
          inflight = null;
          return Object.keys(rest).length ? flush() : closed(body);
        }
        if (response.status === 401 || response.status === 403) { loggedOut = true; }
        if (response.status === 400) { refreshToken(); }
        throw new Error("save failed: " + response.status);
      });
    }).catch(function () {
      failures += 1; inflight = null; refreshStatus();
      if (loggedOut) { showMessage(d.msgLogin); }
    });
    return inflight;
  }
  // Send everything queued, including answers typed since; resolve true once the queue is empty.
  function drain() {
    return flush().then(function () {
      if (finished || !Object.keys(queue()).length) { return true; }
      if (failures > 0) { return false; }
      return drain();
    });
  }
  // A blank still being typed in (its save waits for a pause) is queued now.
  function queueTyping() {
    document.querySelectorAll("section.question").forEach(function (section) {
      if (section._debounce) { clearTimeout(section._debounce); section._debounce = null; enqueue(section); }
    });
  }
  function refreshToken() {
    // After logging in again the session has a new CSRF token: read it from a fresh copy of this page.
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        // Sent to the log-in page: the session has expired. Say so now, not after one more failed save.
        if (r.redirected && new URL(r.url).pathname.slice(-6) === "/login") { loggedOut = true; showMessage(d.msgLogin); }
        return r.text();
      })
      .then(function (html) {
        var match = /name="csrf-token" content="([^"]+)"/.exec(html);
        if (match) { csrf = match[1]; }
      }).catch(function () { /* try again later */ });
  }
  function closed() {
    // The attempt is finished or past its deadline: nothing more can be saved.
    finished = true; forget(); showMessage(d.msgLate);
    window.location.assign(d.resultUrl);
  }

  // ---- the clock: remaining seconds from the server, counted down on a monotonic clock ----
  var remainingAtSync = parseInt(d.remaining, 10) || 0;
  var syncedAt = performance.now();
  function syncClock(seconds) { remainingAtSync = seconds; syncedAt = performance.now(); }
  function remaining() { return Math.max(0, Math.round(remainingAtSync - (performance.now() - syncedAt) / 1000)); }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = remaining();
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timerEl.textContent = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
    timerEl.classList.toggle("urgent", left <= 300);
    if (left <= 0 && !finished && !submitting && !checking && performance.now() >= nextTry) { timeUp(); }
  }
  // At zero, ask the server first: a device clock that jumped must not end the exam early. Offline, the
  // submit goes ahead (and is retried); the server decides either way.
  var checking = false;
  function timeUp() {
    checking = true;
    resync().then(function () {
      checking = false;
      if (!finished && remaining() <= 0) { submitNow(d.msgTimeup); }
    });
  }
  function resync() {
    return api("GET", d.stateUrl).then(function (r) { return r.ok ? r.json() : null; }).then(function (state) {
      if (!state) { return; }
      if (state.state !== "in_progress") { finished = true; forget(); window.location.assign(d.resultUrl); return; }
      syncClock(state.remaining_seconds);
    }).catch(function () { /* offline: keep counting */ });
  }

  // ---- submit: send what is queued first (waiting for a save in flight), then finish once ----
  var submitting = false, nextTry = 0;
  function submitNow(message) {
    if (submitting || finished) { return Promise.resolve(); }
    submitting = true;
    var button = document.getElementById("submit-exam");
    var label = button.textContent;
    button.disabled = true; button.textContent = d.msgSubmitting; root.setAttribute("aria-busy", "true");
    showMessage(message || d.msgSubmitting);
    queueTyping();
    return drain().then(function (sent) {
      if (!sent && remaining() > 0) { throw new Error("answers not sent yet"); }
      return api("POST", d.submitUrl);
    }).then(function (response) {
      if (response.ok || response.status === 409 || response.status === 404) {
        finished = true; forget(); showMessage(d.msgSubmitted); window.location.assign(d.resultUrl); return;
      }
      throw new Error("submit failed: " + response.status);
    }).catch(function () {
      submitting = false; button.disabled = false; button.textContent = label; root.removeAttribute("aria-busy");
      failures += 1; nextTry = performance.now() + 5000;
      refreshStatus(); showMessage(loggedOut ? d.msgLogin : d.msgNotSubmitted);
    });
  }

  // ---- page-leave evidence and the exam's leave policy (the server counts and decides) ----
  var warningEl = document.getElementById("leave-warning");
  var warningText = document.getElementById("leave-warning-text");
  var awaySince = 0, asking = false;
  function warn(text) {
    if (!text) { return; }
    warningText.textContent = text; warningEl.hidden = false;
  }
  function report(kind, awayMs) {
    if (finished) { return; }
    var body = { kind: kind, client_at: new Date().toISOString() };
    if (awayMs !== undefined) { body.away_ms = Math.round(awayMs); }
    try {
      fetch(d.eventsUrl, { method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify(body) })
        .then(function (r) { if (!r.ok) { throw new Error("event " + r.status); } return r.json(); })
        .then(function (state) {
          // Past the exam's limit on page leaves the server has finished the attempt.
          if (state.state && state.state !== "in_progress") { finished = true; forget(); window.location.assign(d.resultUrl); return; }
          warn(state.message);
        }).catch(function () {
          // Not heard by the server (offline): still say what the policy is after a real absence.
          if (kind === "return" && awayMs >= (parseInt(d.leaveGrace, 10) || 3) * 1000) { warn(d.msgLeft); }
        });
    } catch (e) { /* evidence is best effort */ }
  }
  function left() {
    if (away || asking || finished) { return; }
    away = true; awaySince = performance.now(); report("leave");
  }
  function back() {
    if (!away) { return; }
    away = false; report("return", performance.now() - awaySince); resync(); flush();
  }
  document.getElementById("leave-warning-close").addEventListener("click", function () { warningEl.hidden = true; });

  // ---- one question per screen (the default on narrow screens) or the whole paper (desktops) ----
  var VIEW_KEY = "examapp.exam.view";
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.question"));
  var sheet = document.getElementById("answer-sheet");
  var pager = document.getElementById("pager");
  var switcher = document.getElementById("view-switch");
  var prevButton = document.getElementById("prev-question"), nextButton = document.getElementById("next-question");
  var bar = root.querySelector(".exam-bar");
  var current = 0, oneMode = false;
  function show(index, move) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    var section = sections[current];
    sections.forEach(function (s, i) { s.classList.toggle("current", i === current); });
    document.querySelectorAll("[data-nav]").forEach(function (link) {
      if (link.dataset.nav === section.dataset.questionId) { link.setAttribute("aria-current", "step"); }
      else { link.removeAttribute("aria-current"); }
    });
    prevButton.disabled = current === 0;
    nextButton.disabled = current === sections.length - 1;
    document.getElementById("position").textContent = d.msgPosition.replace("{n}", current + 1).replace("{total}", sections.length);
    if (!move) { return; }
    if (window.history && history.replaceState) { history.replaceState(null, "", "#" + section.id); }
    // scroll-margin-top (the sticky bar's measured height) keeps the question's start below the bar.
    section.scrollIntoView({ block: "start" });
    section.querySelector("h3").focus({ preventScroll: true });
  }
  function setView(view, remember) {
    oneMode = view === "one";
    root.classList.toggle("one-question", oneMode);
    pager.hidden = !oneMode;
    switcher.querySelectorAll("[data-view]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.view === view)); });
    if (remember) { try { localStorage.setItem(VIEW_KEY, view); } catch (e) { /* this visit only */ } }
  }
  function measureBar() { document.documentElement.style.setProperty("--exam-bar-height", bar.offsetHeight + "px"); }
  function startView() {
    var saved = null;
    try { saved = localStorage.getItem(VIEW_KEY); } catch (e) { /* none */ }
    var narrow = window.matchMedia && window.matchMedia("(max-width: 47.99em)").matches;
    var view = saved === "one" || saved === "all" ? saved : (narrow ? "one" : "all");
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    switcher.hidden = false;
    if (view === "one") { sheet.open = false; }  // the question first; the sheet is one tap away
    setView(view, false);
    show(target ? Math.max(sections.indexOf(target), 0) : 0, false);
    measureBar();
    if (window.ResizeObserver) { new ResizeObserver(measureBar).observe(bar); }
  }
  switcher.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-view]");
    if (!button) { return; }
    setView(button.dataset.view, true);
    sheet.open = !oneMode;
    show(current, true);
  });
  sheet.addEventListener("click", function (ev) {
    var link = ev.target.closest("[data-nav]");
    var index = link ? sections.indexOf(document.getElementById("q-" + link.dataset.nav)) : -1;
    if (index < 0) { return; }
    ev.preventDefault();
    if (oneMode) { sheet.open = false; }
    show(index, true);
  });
  prevButton.addEventListener("click", function () { show(current - 1, true); });
  nextButton.addEventListener("click", function () { show(current + 1, true); });

  // ---- wiring ----
  form.addEventListener("change", function (ev) {
    var section = sectionOf(ev.target);
    if (section) { clearTimeout(section._debounce); section._debounce = null; enqueue(section); }
  });
  form.addEventListener("input", function (ev) {
    if (ev.target.matches("input[data-blank]")) {
      var section = sectionOf(ev.target);
      clearTimeout(section._debounce);
      section._debounce = setTimeout(function () { section._debounce = null; enqueue(section); }, 800);
    }
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var open = updateUnanswered();
    var text = d.msgConfirm + (open ? "\n" + d.msgUnanswered.replace("{n}", open) : "");
    // The browser's own dialog may take the focus: that is not leaving the page.
    asking = true;
    var yes = window.confirm(text);
    asking = false;
    if (yes) { submitNow(); }
  });
  window.addEventListener("online", function () { failures = 0; refreshStatus(); flush(); });
  window.addEventListener("offline", refreshStatus);
  document.addEventListener("visibilitychange", function () { if (document.hidden) { left(); } else { back(); } });
  window.addEventListener("blur", left);
  window.addEventListener("focus", back);
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) { resync(); } });
  window.addEventListener("beforeunload", function (ev) {
    if (!finished && Object.keys(queue()).length) { ev.preventDefault(); ev.returnValue = d.msgLeave; return d.msgLeave; }
  });

  // Answers given offline before a reload come back from this device's queue, then go out.
  var pending = queue();
  Object.keys(pending).forEach(function (qid) {
    var section = document.getElementById("q-" + qid);
    if (!section) { return; }
    applyValue(section, pending[qid].answer);
    var flag = section.querySelector("input[data-flag]");
    if (flag) { flag.checked = !!pending[qid].flagged; }
    section.dataset.seq = String(Math.max(parseInt(section.dataset.seq || "0", 10), pending[qid].seq));
  });
  document.querySelectorAll("section.question").forEach(updateNav);
  updateUnanswered();
  startView();
  refreshStatus();
  tick();
  setInterval(tick, 1000);
  setInterval(function () { if (Object.keys(queue()).length) { flush(); } }, 5000);
  setInterval(resync, 60000);
  flush();
})();
