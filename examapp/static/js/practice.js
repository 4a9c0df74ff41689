// Practice with scripts on: an answer and its feedback, then the next question, are one small JSON request each.
// Without scripts the same page works as a plain form (Post/Redirect/Get). Text is set with textContent only.
(function () {
  "use strict";
  var root = document.querySelector("[data-practice]");
  if (!root || !window.fetch || !window.JSON) { return; }
  var form = root.querySelector("[data-practice-form]");
  var box = root.querySelector("[data-feedback]");
  var errorBox = root.querySelector("[data-practice-error]");
  var button = form.querySelector("button[type=submit]");
  var meta = form.querySelector("[data-question-meta]");
  var tokenTag = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenTag ? tokenTag.getAttribute("content") : "";
  var types = JSON.parse(root.getAttribute("data-types") || "{}");
  var busy = false;

  function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function body() { return form.querySelector("[data-question-body]"); }
  function showError(text) { errorBox.textContent = text; errorBox.hidden = !text; }

  function fieldValue(fs) {
    var type = fs.getAttribute("data-type"), picked = [], i;
    if (type === "blank") {
      var boxes = fs.querySelectorAll("input[type=text]"), values = [], any = false;
      for (i = 0; i < boxes.length; i++) { values.push(boxes[i].value); any = any || boxes[i].value.trim() !== ""; }
      return any ? values : null;
    }
    var checked = fs.querySelectorAll("input:checked");
    for (i = 0; i < checked.length; i++) { picked.push(checked[i].value); }
    if (!picked.length) { return null; }
    if (type === "multiple") { return picked.sort(); }
    if (type === "true_false") { return picked[0] === "true"; }
    return picked[0];
  }
  function readAnswer() {
    var groups = body().querySelectorAll("fieldset[data-name]"), out = {}, any = false, i;
    if (body().getAttribute("data-type") !== "case") { return groups.length ? fieldValue(groups[0]) : null; }
    for (i = 0; i < groups.length; i++) {
      var value = fieldValue(groups[i]);
      if (value !== null) { out[groups[i].getAttribute("data-name").slice(2)] = value; any = true; }
    }
    return any ? out : null;
  }

  function send(url, options) {
    options.credentials = "same-origin";
    options.headers = options.headers || {};
    options.headers.Accept = "application/json";
    return fetch(url, options).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }
  function failed(result) {
    showError(result && result.data && result.data.error ? result.data.error.message : msg("network"));
  }

  function articleBlock(a) {
    var wrap = el("div", "cited");
    wrap.appendChild(el("h3", null, msg("articles") + ": " + a.law_title + a.label));
    var text = el("div", "article-text");
    a.text.split("\n").forEach(function (p) { if (p.trim()) { text.appendChild(el("p", null, p)); } });
    wrap.appendChild(text);
    var link = el("a", null, msg("read"));
    link.href = a.url;
    var line = el("p");
    line.appendChild(link);
    wrap.appendChild(line);
    return wrap;
  }
  function verdict(ok) { return ok ? msg("right") : msg("wrong"); }

  function showFeedback(data) {
    box.textContent = "";
    box.className = "feedback card " + (data.correct ? "right" : "wrong");
    box.appendChild(el("h2", "verdict", verdict(data.correct)));
    if (data.parts) {
      data.parts.forEach(function (part) {
        var div = el("div", "part " + (part.correct ? "right" : "wrong"));
        div.appendChild(el("h3", null, msg("part").replace("%s", part.n) + ": " + verdict(part.correct)));
        div.appendChild(el("p", null, msg("key") + ": " + part.key_text));
        if (part.explanation) { div.appendChild(el("p", null, part.explanation)); }
        box.appendChild(div);
      });
      box.appendChild(el("h3", null, msg("analysis")));
    } else {
      var key = el("p", "key-line", msg("key") + ": ");
      key.appendChild(el("strong", null, data.key_text));
      box.appendChild(key);
      box.appendChild(el("h3", null, msg("explanation")));
    }
    box.appendChild(el("p", null, data.explanation));
    data.articles.forEach(function (a) { box.appendChild(articleBlock(a)); });
    var notes = el("ul", "notes");
    notes.appendChild(el("li", null, msg("due") + " " + (data.next_due_text || "—")));
    if (data.left_book) { notes.appendChild(el("li", null, msg("left-book"))); }
    else if (data.in_book) { notes.appendChild(el("li", null, msg("in-book"))); }
    if (data.credited) { notes.appendChild(el("li", null, msg("credited"))); }
    box.appendChild(notes);
    var reportUrl = root.getAttribute("data-report-url");
    if (reportUrl) {  // 纠错: report an error in the question just answered (bank/_report_link.html)
      var report = el("a", null, msg("report"));
      report.href = reportUrl + (reportUrl.indexOf("?") < 0 ? "?" : "&") + "question_id=" + data.question_id;
      report.setAttribute("data-testid", "report-error");
      var reportLine = el("p", "bank-report-link");
      reportLine.appendChild(report);
      box.appendChild(reportLine);
    }
    var next = el("button", "primary wide", msg("next"));
    next.type = "button";
    next.setAttribute("data-testid", "next-question");
    next.addEventListener("click", loadNext);
    box.appendChild(next);
    lock(true);
    box.hidden = false;
    box.focus();
  }
  function lock(on) {
    var fields = body().querySelectorAll("fieldset");
    for (var i = 0; i < fields.length; i++) { fields[i].disabled = on; }
    button.hidden = on;
  }

  function option(kind, name, value, key, text) {
    var label = el("label", "option"), input = el("input");
    input.type = kind; input.name = name; input.value = value;
    input.setAttribute("data-testid", name + "-" + value);
    label.appendChild(input);
    if (key) { label.appendChild(document.createTextNode(" ")); label.appendChild(el("span", "key", key)); }
    label.appendChild(document.createTextNode(" "));
    label.appendChild(el("span", null, text));
    return label;
  }
  function group(name, type, item, legend) {
    var fs = el("fieldset", "answer-group"), n;
    fs.setAttribute("data-name", name);
    fs.setAttribute("data-type", type);
    fs.appendChild(el("legend", null, legend));
    if (type === "single" || type === "multiple") {
      item.options.forEach(function (o) {
        fs.appendChild(option(type === "single" ? "radio" : "checkbox", name, o.key, o.key + ".", o.text));
      });
    } else if (type === "true_false") {
      fs.appendChild(option("radio", name, "true", "", msg("true")));
      fs.appendChild(option("radio", name, "false", "", msg("false")));
    } else if (type === "blank") {
      for (n = 1; n <= (item.blanks || 1); n++) {
        var label = el("label", "blank", msg("blank").replace("%s", n)), input = el("input");
        input.type = "text"; input.name = name + "-" + n; input.maxLength = 200; input.autocomplete = "off";
        input.setAttribute("data-testid", name + "-" + n);
        label.appendChild(input);
        fs.appendChild(label);
      }
    }
    return fs;
  }
  function showQuestion(data) {
    var q = data.question, holder = body();
    holder.textContent = "";
    holder.setAttribute("data-question-id", q.id);
    holder.setAttribute("data-type", q.type);
    form.querySelector("input[name=question_id]").value = q.id;
    if (q.type === "case") {
      holder.appendChild(el("p", "stem case-text", q.stem));
      q.subquestions.forEach(function (s) { holder.appendChild(group("a-" + s.n, s.type, s, "(" + s.n + ") " + s.stem)); });
    } else {
      holder.appendChild(group("a", q.type, q, q.stem));
    }
    var parts = [];
    if (data.total) { parts.push(msg("progress").replace("%n", data.position).replace("%t", data.total)); }
    parts.push(q.law_title);
    if (q.chapter) { parts.push(q.chapter); }
    parts.push(types[q.type] || "");
    meta.textContent = parts.join(" · ");
    box.hidden = true;
    lock(false);
    showError("");
    window.scrollTo(0, 0);
    var first = holder.querySelector("input");
    if (first) { first.focus(); }
  }

  function loadNext() {
    if (busy) { return; }
    busy = true;
    send(root.getAttribute("data-next-url"), { method: "GET" }).then(function (result) {
      busy = false;
      if (!result.ok) { failed(result); return; }
      if (!result.data.question) { window.location.href = root.getAttribute("data-page-url"); return; }
      showQuestion(result.data);
    }, function () { busy = false; failed(null); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var answer = readAnswer();
    if (answer === null) { showError(msg("empty")); return; }
    busy = true;
    button.disabled = true;
    showError("");
    send(root.getAttribute("data-answer-url"), {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ question_id: Number(body().getAttribute("data-question-id")), answer: answer })
    }).then(function (result) {
      busy = false; button.disabled = false;
      if (result.ok) { showFeedback(result.data); } else { failed(result); }
    }, function () { busy = false; button.disabled = false; failed(null); });
  });
})();
