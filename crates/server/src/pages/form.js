// Live check of a survey form (progressive enhancement: the page works without it, validating on
// save). On every change, the form's values go to the check endpoint — nothing is saved — and each
// field's row shows what the rules find. Text is set with textContent only.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form || !form.dataset.check) {
    return;
  }
  // getAttribute: `form.action` would be the buttons named "action".
  var csrf = new URL(form.getAttribute("action"), location.href).searchParams.get("_csrf") || "";
  var pending = null;
  function gather() {
    var values = {};
    var reasons = {};
    Array.prototype.forEach.call(form.elements, function (e) {
      if (!e.name || e.name === "action" || e.readOnly) {
        return;
      }
      if (e.name.indexOf("reason-") === 0) {
        reasons[e.name.slice(7)] = e.value;
      } else if (e.value.trim() !== "") {
        values[e.name] = e.value;
      }
    });
    // The read-only fields (the form's own enterprise and year) are sent as shown.
    Array.prototype.forEach.call(form.querySelectorAll("input[readonly]"), function (e) {
      if (e.name && e.name.indexOf("reason-") !== 0 && e.value.trim() !== "") {
        values[e.name] = e.value;
      }
    });
    return { values: values, reasons: reasons };
  }
  function show(issues) {
    var byField = {};
    issues.forEach(function (i) {
      (byField[i.field] = byField[i.field] || []).push(i);
    });
    Array.prototype.forEach.call(form.querySelectorAll("td.issues"), function (cell) {
      var key = cell.id.slice("issues-".length);
      var found = byField[key] || [];
      while (cell.firstChild) {
        cell.removeChild(cell.firstChild);
      }
      found.forEach(function (i) {
        var span = document.createElement("span");
        span.className = i.severity;
        span.textContent = i.message + " ";
        cell.appendChild(span);
      });
      var row = cell.parentNode;
      var error = found.some(function (i) { return i.severity === "error"; });
      row.classList.toggle("has-error", error);
    });
  }
  function check() {
    var body = JSON.stringify(gather());
    fetch(form.dataset.check, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: body
    }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (answer) {
      if (answer && answer.issues) {
        show(answer.issues);
        form.dataset.checked = String(Number(form.dataset.checked || "0") + 1);
      }
    }).catch(function () { /* the server check on save still applies */ });
  }
  form.addEventListener("change", function () {
    clearTimeout(pending);
    pending = setTimeout(check, 150);
  });
})();
