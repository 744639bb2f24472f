// Quantity steppers on "Log a contact": the - and + buttons appear only with JavaScript;
// without it the number fields work on their own.
(function () {
  "use strict";
  function wire(root) {
    root.querySelectorAll(".step-button").forEach(function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.target);
        var min = Number(input.min || 0);
        var max = Number(input.max || 999);
        var next = (Number(input.value) || 0) + Number(button.dataset.step);
        input.value = String(Math.min(max, Math.max(min, next)));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
