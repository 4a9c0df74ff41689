// Question editor: try answers against the fill-in key being edited (POST /bank/try-blank, nothing stored).
(function () {
  "use strict";
  var box = document.getElementById("key-trial");
  var type = document.getElementById("type");
  var key = document.getElementById("answer");
  if (!box || !type || !key) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var input = document.getElementById("trial-answers");
  var result = document.getElementById("trial-result");

  function show() { box.hidden = type.value !== "blank"; }

  function line(text) {
    var item = document.createElement("li");
    item.textContent = text;
    result.appendChild(item);
  }

  function render(data) {
    result.textContent = "";
    if (data.error) { line(data.error.message); return; }
    data.blanks.forEach(function (row, index) {
      var template = row.accepted ? box.dataset.accepted : box.dataset.rejected;
      line(template.replace("{n}", index + 1).replace("{form}", row.matches || ""));
    });
  }

  document.getElementById("trial-check").addEventListener("click", function () {
    fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ key: key.value, answers: input.value.split("|") })
    }).then(function (response) { return response.json(); }).then(render).catch(function () {
      result.textContent = "";
      line(box.dataset.rejected.replace("{n}", "?"));
    });
  });
  type.addEventListener("change", show);
  show();
})();
