// 朗读本条: read the marked text aloud with the browser's own speech synthesis (no outside service).
// One utterance per paragraph (long ones are cut short by some engines); play, pause/resume, stop and speed.
(function () {
  "use strict";
  var box = document.querySelector("[data-speak]");
  if (!box || !("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) { return; }
  var RATE = "examapp.speechRate";
  var synth = window.speechSynthesis;
  var play = box.querySelector("[data-speak-play]");
  var stopButton = box.querySelector("[data-speak-stop]");
  var rate = box.querySelector("[data-speak-rate]");
  var parts = [];
  var index = 0;
  var state = "idle";  // idle | speaking | paused
  var run = 0;          // utterances from a cancelled run must not move the current one on

  document.querySelectorAll("[data-speak-text]").forEach(function (root) {
    var blocks = root.matches("p, h1, h2, h3, li, blockquote") ? [root] : root.querySelectorAll("p, h1, h2, h3, li, blockquote");
    Array.prototype.forEach.call(blocks, function (el) {
      var text = el.textContent.replace(/\s+/g, " ").trim();
      if (text) { parts.push(text); }
    });
  });
  if (!parts.length) { return; }
  try { if (localStorage.getItem(RATE)) { rate.value = localStorage.getItem(RATE); } } catch (e) { /* ignore */ }

  function voice() {
    var voices = synth.getVoices ? synth.getVoices() : [];
    return voices.filter(function (v) { return /^zh/i.test(v.lang); })[0] || null;
  }
  function show(next) {
    state = next;
    var label = { idle: "data-label-play", speaking: "data-label-pause", paused: "data-label-resume" }[state];
    play.textContent = box.getAttribute(label);
    play.setAttribute("aria-pressed", state === "speaking" ? "true" : "false");
    stopButton.disabled = state === "idle";
  }
  function speakFrom(position) {
    var mine = ++run;
    index = position;
    if (index >= parts.length) { show("idle"); index = 0; return; }
    var utterance = new SpeechSynthesisUtterance(parts[index]);
    utterance.lang = "zh-CN";
    utterance.rate = parseFloat(rate.value) || 1;
    var chosen = voice();
    if (chosen) { utterance.voice = chosen; }
    utterance.onend = function () { if (mine === run && state === "speaking") { speakFrom(index + 1); } };
    utterance.onerror = function () { if (mine === run) { show("idle"); } };
    synth.speak(utterance);
  }
  function start(position) {
    run += 1;
    synth.cancel();
    show("speaking");
    speakFrom(position);
  }

  play.addEventListener("click", function () {
    if (state === "idle") { start(0); }
    else if (state === "speaking") { synth.pause(); show("paused"); }
    else { synth.resume(); show("speaking"); }
  });
  stopButton.addEventListener("click", function () { run += 1; synth.cancel(); index = 0; show("idle"); });
  rate.addEventListener("change", function () {
    try { localStorage.setItem(RATE, rate.value); } catch (e) { /* ignore */ }
    if (state !== "idle") { start(index); }  // the new speed from the paragraph being read
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });
  show("idle");
  box.hidden = false;
})();
