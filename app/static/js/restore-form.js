// Fills in a form stopped by a step-up (app/accounts/views/step_up.py): its fields come as
// JSON in #restored-form; the user checks them and submits again.
(function () {
  "use strict";
  var data = document.getElementById("restored-form");
  if (!data) { return; }
  var fields = JSON.parse(data.textContent);
  var seen = {};
  fields.forEach(function (pair) {
    var name = pair[0], value = pair[1];
    document.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!seen[name]) { el.checked = false; }
        if (el.value === value) { el.checked = true; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (option) {
          if (!seen[name]) { option.selected = false; }
          if (option.value === value) { option.selected = true; }
        });
      } else if (el.type !== "file" && el.type !== "hidden") {
        el.value = value;
      }
    });
    seen[name] = true;
  });
}());
