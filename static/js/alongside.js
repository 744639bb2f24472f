// Log a contact. Everything here is an extra: without JavaScript the form works as is.
(function () {
  "use strict";

  // Quantity steppers: the - and + buttons keep their place but stay invisible until this
  // wires them (CSS), so nothing moves; without JavaScript the number fields work alone.
  function wire(root) {
    root.querySelectorAll(".step-button").forEach(function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
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

  // The contact's id goes into the page's address (?contact=), so Back, reload and the
  // history bring this same contact back: once saved, the server shows it as saved
  // instead of a new form the browser would refill (encounters/views/log.py).
  var contactId = document.querySelector(".log-form input[name='id']");
  if (contactId && contactId.value && window.history.replaceState) {
    var address = new URL(window.location.href);
    if (address.searchParams.get("contact") !== contactId.value) {
      address.searchParams.set("contact", contactId.value);
      window.history.replaceState(window.history.state, "", address.toString());
    }
  }

  // One submission at a time: a second tap while the first is on its way does nothing.
  // After a while (a lost connection) or on coming back to the page, a retry goes through;
  // it carries the same id, so the server stores the contact once.
  var RETRY_AFTER_MS = 8000;
  function release(form) {
    if (!form.dataset.sending) { return; }
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
    var button = form.querySelector("button[name='save']");
    if (button && button.dataset.label) { button.textContent = button.dataset.label; }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("log-form")) { return; }
    if (event.submitter && event.submitter.name === "find") { return; }
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    var button = form.querySelector("button[name='save']");
    if (button && form.dataset.busyLabel) {
      button.dataset.label = button.textContent;
      button.textContent = form.dataset.busyLabel;
    }
    window.setTimeout(function () { release(form); }, RETRY_AFTER_MS);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll(".log-form").forEach(release);
  });

  // Offline use (static/js/offline.js, docs/offline.md) is loaded only in a browser where the
  // worker turned it on: everyone else downloads nothing more.
  try {
    var offlineJs = document.body.dataset.offlineJs;
    if (offlineJs && window.localStorage.getItem("alongside.offline") === "1" &&
        !document.querySelector("script[src='" + offlineJs + "']")) {
      var script = document.createElement("script");
      script.src = offlineJs;
      script.defer = true;
      document.head.appendChild(script);
    }
  } catch (error) { /* storage blocked: no offline use here */ }

  // A deferred script: the page is parsed already, so no need to wait.
  wire(document);
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
