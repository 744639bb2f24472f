// Offline use: Log a contact without signal, encrypted on the phone, sent exactly once.
// docs/offline.md says what is stored and how, the wipe rules and the sync protocol.
//
// - The offline PIN derives a key (PBKDF2-SHA256, 600,000 iterations) that wraps a random
//   AES-GCM data key (AES-KW). The data key lives only in this page's memory, unwrapped
//   when the worker types the PIN; the page locks after 15 minutes without use.
// - Everything about people kept on the phone is AES-GCM ciphertext under the data key: the
//   caseload and the readable copy of each queued contact. Each queued contact is also
//   sealed to the server's public key (ECDH P-256 + HKDF-SHA256 + AES-GCM): the phone can
//   send it, never read it back, so it survives every wipe.
// - Sync runs from the page (when the signal returns, when a page opens, or on "Send now"),
//   never from Background Sync. A redirect, 401 or 403 is never success: the outbox stays.
(function () {
  "use strict";
  if (window.alongsideOffline) { return; }
  window.alongsideOffline = true;

  var FLAG = "alongside.offline";
  var DB_NAME = "alongside-offline";
  var ITERATIONS = 600000;
  var IDLE_MS = 15 * 60 * 1000;
  var MAX_PINS = 5;
  var BATCH = 25;
  var HOUR = 60 * 60 * 1000;
  var SKIP_FIELDS = { csrfmiddlewaretoken: 1, save: 1, find: 1, q: 1 };
  var SEAL_INFO = "alongside-offline-seal-v1";
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var subtle = window.crypto && window.crypto.subtle;

  var words = {};
  var dataKey = null; // the unwrapped data key: page memory only
  var people = [];
  var idleTimer = null;
  var syncing = null;

  function say(name, values) {
    var text = words[name] || name;
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(String(values[key])); });
    return text;
  }

  // ---- base64url ----
  function b64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64(text) {
    text = text.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) { text += "="; }
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  // ---- IndexedDB ----
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var base = request.result;
          base.createObjectStore("meta");
          base.createObjectStore("people");
          base.createObjectStore("outbox", { keyPath: "id" });
          base.createObjectStore("views", { autoIncrement: true });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function run(store, mode, work) {
    return db().then(function (base) {
      return new Promise(function (resolve, reject) {
        var transaction = base.transaction(store, mode);
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }
  function get(store, key) { return run(store, "readonly", function (s) { return s.get(key); }); }
  function put(store, value, key) {
    return run(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
  }
  function remove(store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  function keys(store) { return run(store, "readonly", function (s) { return s.getAllKeys(); }); }
  function clear(store) { return run(store, "readwrite", function (s) { return s.clear(); }); }
  function meta() { return get("meta", "state"); }
  function saveMeta(value) { return put("meta", value, "state"); }
  // Read and change the state in one transaction, so a sync's wipe and an unlock running
  // side by side never write back what the other removed. `change` may return false: no write.
  function updateMeta(change) {
    return db().then(function (base) {
      return new Promise(function (resolve, reject) {
        var transaction = base.transaction("meta", "readwrite");
        var store = transaction.objectStore("meta");
        var result;
        var read = store.get("state");
        read.onsuccess = function () {
          var state = read.result;
          if (state && change(state) !== false) { store.put(state, "state"); }
          result = state;
        };
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }

  // ---- Crypto ----
  function pinKey(pin, salt, iterations) {
    return subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return subtle.deriveKey(
        { name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" },
        base, { name: "AES-KW", length: 256 }, false, ["wrapKey", "unwrapKey"]
      );
    });
  }
  function unwrap(wrapped, kek) {
    return subtle.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-GCM", false, ["encrypt", "decrypt"]);
  }
  async function newDataKey(pin) {
    var fresh = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    var salt = crypto.getRandomValues(new Uint8Array(16));
    var kek = await pinKey(pin, salt, ITERATIONS);
    var wrapped = await subtle.wrapKey("raw", fresh, kek, "AES-KW");
    // The copy kept in memory cannot be exported.
    return { salt: b64(salt), wrapped: b64(wrapped), key: await unwrap(wrapped, kek) };
  }
  async function lockBox(value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var sealed = await subtle.encrypt({ name: "AES-GCM", iv: iv }, dataKey, encoder.encode(JSON.stringify(value)));
    return { iv: b64(iv), ct: b64(sealed) };
  }
  async function openBox(box) {
    var plain = await subtle.decrypt({ name: "AES-GCM", iv: unb64(box.iv) }, dataKey, unb64(box.ct));
    return JSON.parse(decoder.decode(plain));
  }
  async function sealToServer(jwk, value) {
    var server = await subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, false, []);
    var once = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
    var bits = await subtle.deriveBits({ name: "ECDH", public: server }, once.privateKey, 256);
    var hkdf = await subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
    var key = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(SEAL_INFO) },
      hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"]
    );
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var sealed = await subtle.encrypt({ name: "AES-GCM", iv: iv }, key, encoder.encode(JSON.stringify(value)));
    var point = await subtle.exportKey("raw", once.publicKey);
    return { v: 1, epk: b64(point), iv: b64(iv), ct: b64(sealed) };
  }

  // ---- Talking to the server: a redirect, 401 or 403 means "sign in again" ----
  function Problem(kind) { this.kind = kind; }
  async function api(method, url, body, csrf) {
    var headers = { Accept: "application/json" };
    if (csrf) { headers["X-CSRFToken"] = csrf; }
    if (body !== undefined && !(body instanceof URLSearchParams)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(url, {
        method: method, body: body, headers: headers, credentials: "same-origin", redirect: "manual", cache: "no-store"
      });
    } catch (error) {
      throw new Problem("network");
    }
    if (response.type === "opaqueredirect" || response.status === 0 || response.status === 401 ||
        response.status === 403 || (response.status >= 300 && response.status < 400)) {
      throw new Problem("signin");
    }
    if (response.status === 404) { throw new Problem("notfound"); }
    if (!response.ok) { throw new Problem("error"); }
    try {
      return await response.json();
    } catch (error) {
      throw new Problem("network"); // the answer was cut off: nothing is taken as sent
    }
  }
  function deviceUrl(device, tail) { return "/offline/devices/" + device + "/" + (tail || ""); }

  // ---- Wipes ----
  // Everything readable goes: the caseload, the readable copies, the wrapped key and its salt.
  // The sealed copies stay (only the server can open them) and are sent at the next sync.
  async function wipeReadable(reason) {
    dataKey = null;
    people = [];
    await clear("people");
    var items = await all("outbox");
    for (var i = 0; i < items.length; i++) {
      delete items[i].box;
      delete items[i].resolution;
      await put("outbox", items[i]);
    }
    await updateMeta(function (state) {
      delete state.salt;
      delete state.wrapped;
      state.wrongPins = 0;
      state.wiped = reason;
    });
  }
  async function checkTimeWipe(state) {
    if (!state || !state.wrapped) { return ""; }
    var since = Date.now() - (state.lastSync || 0);
    var limit = (state.wipeHours || 12) * HOUR;
    if (since >= limit) {
      await wipeReadable("time");
      return "timeWiped";
    }
    return since >= limit - HOUR ? "wipeSoon" : "";
  }

  // ---- Sync ----
  function syncNow() {
    if (!syncing) {
      syncing = doSync().finally(function () { syncing = null; });
    }
    return syncing;
  }
  async function doSync() {
    var state = await meta();
    if (!state || !state.device) { return "off"; }
    var answer;
    try {
      answer = await api("GET", deviceUrl(state.device));
    } catch (problem) {
      return problem.kind === "notfound" ? "someoneElse" : problem.kind;
    }
    if (answer.user !== state.user) { return "someoneElse"; }
    var outcome = "sent";
    if (answer.revoked) {
      await wipeReadable("revoked");
      outcome = "revoked";
    }
    state = await updateMeta(function (current) { current.wipeHours = answer.wipe_after_hours; });
    var waiting = (await all("outbox")).filter(function (item) { return item.user === state.user && item.state === "waiting"; });
    var viewKeys = await keys("views");
    var views = await all("views");
    try {
      for (var start = 0; start === 0 || start < waiting.length; start += BATCH) {
        var batch = waiting.slice(start, start + BATCH);
        var body = {
          items: batch.map(function (item) { return { id: item.id, sealed: item.sealed }; }),
          views: start === 0 ? views : []
        };
        var result = await api("POST", deviceUrl(state.device, "sync/"), body, answer.csrf);
        if (start === 0) {
          for (var v = 0; v < viewKeys.length; v++) { await remove("views", viewKeys[v]); }
        }
        await settle(batch, result.answers);
        if (!batch.length) { break; }
      }
    } catch (problem) {
      return problem.kind;
    }
    state = await updateMeta(function (current) { current.lastSync = Date.now(); });
    if (dataKey && !answer.revoked) {
      try {
        await applyChanges(state);
        await refreshPeople(state);
      } catch (problem) { return problem.kind; }
    }
    return outcome;
  }
  // The changes feed (merges, transfers, erasures after the last sequence number seen): a
  // person who left the caseload is dropped from the cache at once, before the caseload is
  // fetched again whole.
  async function applyChanges(state) {
    var since = typeof state.seq === "number" ? "?since=" + state.seq : "";
    var answer = await api("GET", deviceUrl(state.device, "changes/" + since));
    var gone = {};
    answer.changes.forEach(function (change) { if (!change.in_caseload) { gone[change.code] = true; } });
    if (Object.keys(gone).length && dataKey) {
      people = people.filter(function (person) { return !gone[person.code]; });
      await put("people", await lockBox(people), "all");
    }
    await updateMeta(function (current) { current.seq = answer.seq; });
  }
  async function settle(batch, answers) {
    var byId = {};
    batch.forEach(function (item) { byId[item.id] = item; });
    for (var i = 0; i < answers.length; i++) {
      var found = answers[i];
      var item = byId[found.id];
      if (!item) { continue; }
      if (found.answer === "applied" || found.answer === "duplicate") {
        await remove("outbox", item.id);
        continue;
      }
      item.state = found.answer;
      item.message = found.message; // in words, never a name or a note
      if (dataKey && item.box) {
        var readable = await openBox(item.box);
        readable.mergedInto = found.merged_into || "";
        item.box = await lockBox(readable);
      }
      await put("outbox", item);
    }
  }
  async function refreshPeople(state) {
    var answer = await api("GET", deviceUrl(state.device, "people/"));
    if (answer.revoked) { await wipeReadable("revoked"); return; }
    people = answer.people;
    await put("people", await lockBox(people), "all");
  }

  // ---- Shared page pieces ----
  function $(id) { return document.getElementById(id); }
  function show(element, visible) { if (element) { element.hidden = !visible; } }
  function message(text, kind) {
    var box = $("offline-message");
    if (!box) { return; }
    box.textContent = text || "";
    box.className = "alert alert-" + (kind || "info");
    show(box, Boolean(text));
  }
  function loadWords() {
    var source = $("offline-words");
    if (source) { words = JSON.parse(source.textContent); }
  }
  function supported() {
    return Boolean(subtle && window.indexedDB && navigator.serviceWorker && window.isSecureContext);
  }
  function csrfOfPage() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { return ""; }
  }
  function browserLabel() {
    var agent = navigator.userAgent;
    var browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox"
      : /(Chrome|Chromium)\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
    var system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS"
      : /Windows/.test(agent) ? "Windows" : /Mac OS/.test(agent) ? "macOS" : /Linux/.test(agent) ? "Linux" : "";
    return system ? browser + " · " + system : browser;
  }
  function localNow() {
    var now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    return now.toISOString().slice(0, 16);
  }
  function newId() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // ---- The Offline use page: turn it on with a PIN ----
  async function setupPage(root) {
    var form = $("offline-turn-on");
    if (!supported()) { message(say("notSupported"), "warning"); return; }
    var user = Number(root.dataset.user);
    var state = await meta();
    var on = state && state.wrapped && state.user === user;
    show($("offline-on"), on);
    show(form, !on);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var pin = $("offline-new-pin").value;
      if (!/^\d{4,}$/.test(pin)) { message(say("pinTooShort"), "danger"); return; }
      if (pin !== $("offline-new-pin-again").value) { message(say("pinsDiffer"), "danger"); return; }
      message(say("turningOn"), "info");
      form.querySelector("button").disabled = true;
      try {
        await turnOn(user, pin);
        message(say("turnedOn"), "success");
        show(form, false);
        show($("offline-on"), true);
      } catch (problem) {
        message(say(problem && problem.kind === "signin" ? "signIn" : "notSupported"), "danger");
      } finally {
        form.querySelector("button").disabled = false;
      }
    });
  }
  async function turnOn(user, pin) {
    var state = await meta();
    var device = null;
    if (state && state.device && state.user === user) {
      // This browser's device again (a new PIN after a wipe): the same device, if not revoked.
      try {
        device = await api("GET", deviceUrl(state.device));
        if (device.revoked) { device = null; }
      } catch (problem) {
        if (problem.kind !== "notfound") { throw problem; }
      }
    }
    if (!device) {
      device = await api("POST", "/offline/devices/", new URLSearchParams({ label: browserLabel() }), csrfOfPage());
    }
    var made = await newDataKey(pin);
    dataKey = made.key;
    var next = {
      device: device.device,
      user: user,
      salt: made.salt,
      iterations: ITERATIONS,
      wrapped: made.wrapped,
      publicKey: device.public_key,
      wipeHours: device.wipe_after_hours,
      lastSync: Date.now(),
      wrongPins: 0
    };
    await saveMeta(next);
    window.localStorage.setItem(FLAG, "1");
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;
    await refreshPeople(next);
  }

  // ---- Log a contact offline ----
  async function logPage(form) {
    if (!supported()) { return; }
    var state = await meta();
    if (!state || !state.device) { return; }
    var soon = await checkTimeWipe(state);
    state = await meta();
    show($("offline-sync"), true);
    $("offline-sync").addEventListener("click", function () { sendAndShow(); });
    window.addEventListener("online", function () { sendAndShow(); });
    window.addEventListener("offline", function () { updateBanner(); });
    $("offline-unlock").addEventListener("submit", unlockSubmitted);
    form.addEventListener("submit", contactSubmitted, true);
    form.addEventListener("change", personChosen);
    $("offline-find").addEventListener("input", function () { drawPicker(); });
    setInterval(async function () {
      var warning = await checkTimeWipe(await meta());
      if (warning === "timeWiped") { lockPage(); message(say("timeWiped"), "warning"); }
      if (warning === "wipeSoon") { message(say("wipeSoon", { n: (await meta()).wipeHours }), "warning"); }
    }, 60 * 1000);
    if (soon === "timeWiped") { message(say("timeWiped"), "warning"); }
    if (soon === "wipeSoon") { message(say("wipeSoon", { n: state.wipeHours }), "warning"); }
    if (!state.wrapped && state.wiped === "pin") { message(say("pinWiped"), "warning"); }
    if (!state.wrapped && state.wiped === "revoked") { message(say("revoked"), "warning"); }
    if (!state.wrapped && ["pin", "revoked", "time"].indexOf(state.wiped) === -1) { message(say("turnOnAgain"), "info"); }
    lockPage();
    await drawOutbox();
    if (navigator.onLine) { sendAndShow(); }
  }
  function lockPage() {
    dataKey = null;
    if (idleTimer) { clearTimeout(idleTimer); idleTimer = null; }
    people = [];
    meta().then(function (state) {
      show($("offline-unlock"), Boolean(state && state.wrapped));
      show($("offline-form"), false);
      drawPicker();
      drawOutbox();
    });
  }
  function touched() {
    if (idleTimer) { clearTimeout(idleTimer); }
    if (!dataKey) { return; } // locked: nothing to lock again
    idleTimer = setTimeout(function () { lockPage(); message(say("locked"), "info"); }, IDLE_MS);
  }
  async function unlockSubmitted(event) {
    event.preventDefault();
    var input = $("offline-pin");
    var state = await meta();
    if (!state || !state.wrapped) { return; }
    try {
      var kek = await pinKey(input.value, unb64(state.salt), state.iterations);
      dataKey = await unwrap(unb64(state.wrapped), kek);
    } catch (error) {
      input.value = "";
      state = await updateMeta(function (current) { current.wrongPins = (current.wrongPins || 0) + 1; });
      if (state.wrongPins >= MAX_PINS) {
        await wipeReadable("pin");
        lockPage();
        message(say("pinWiped"), "warning");
        return;
      }
      message(say("wrongPin", { n: MAX_PINS - state.wrongPins }), "danger");
      return;
    }
    input.value = "";
    state = await updateMeta(function (current) {
      if (!current.wrapped) { return false; }
      current.wrongPins = 0;
    });
    if (!state || !state.wrapped) { // wiped while the PIN was being checked (a revocation, the time)
      lockPage();
      return;
    }
    var cached = await get("people", "all");
    people = cached ? await openBox(cached) : [];
    message("", "info");
    // The 15 minutes count from the unlock, and any use from now on starts them again: the
    // watch is on before the form shows, not after the outbox is drawn (which may take a while).
    ["pointerdown", "keydown", "input"].forEach(function (name) { document.addEventListener(name, touched, true); });
    touched();
    show($("offline-unlock"), false);
    show($("offline-form"), true);
    freshContact();
    drawPicker();
    await takePending();
    await drawOutbox();
  }
  function freshContact() {
    var form = $("offline-form");
    form.reset();
    form.querySelectorAll("input[data-pending]").forEach(function (input) { input.remove(); });
    form.querySelector("input[name='id']").value = newId();
    var when = form.querySelector("input[name='happened_at']");
    if (when) { when.value = localNow(); }
    $("offline-find").value = "";
    show($("offline-flags"), false);
    drawPersonPanels(null, "");
  }
  // A contact sent from the live page without signal: the service worker kept its fields in
  // memory and served this page; put them back in the form for the worker to check and save.
  function askPending() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!worker) { return Promise.resolve(null); }
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data); };
      worker.postMessage({ type: "pending-contact" }, [channel.port2]);
      setTimeout(function () { resolve(null); }, 2000);
    });
  }
  async function takePending() {
    var fields = await askPending();
    if (!fields || !fields.length) { return; }
    var form = $("offline-form");
    var who = "";
    fields.forEach(function (pair) { if (pair[0] === "who") { who = pair[1]; } });
    if (who && who !== "anonymous") {
      if (!people.some(function (person) { return person.code === who; })) {
        people.unshift({ code: who, name: "", aliases: [], flags: [] });
      }
      $("offline-find").value = who;
      drawPicker();
    }
    fields.forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      if (SKIP_FIELDS[name]) { return; }
      var inputs = form.querySelectorAll("[name='" + CSS.escape(name) + "']");
      if (!inputs.length) {
        // A part this page does not draw (a check-in's answers, a referral's follow-up): kept as sent.
        var kept = document.createElement("input");
        kept.type = "hidden";
        kept.name = name;
        kept.value = value;
        kept.dataset.pending = "1";
        form.appendChild(kept);
        return;
      }
      inputs.forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = input.value === value;
        } else {
          input.value = value;
        }
      });
    });
    var chosen = form.querySelector("input[name='who']:checked");
    if (chosen) { chosen.dispatchEvent(new Event("change", { bubbles: true })); }
    form.querySelectorAll("details").forEach(function (details) {
      if (details.querySelector("[name^='referral-'], [name^='overdose-'], [name^='checkin-'], [name^='health-']") &&
          Array.prototype.some.call(details.querySelectorAll("input, select, textarea"), function (input) {
            return (input.type !== "radio" && input.value) || (input.type === "radio" && input.checked && input.value !== "made");
          })) { details.open = true; }
    });
    message(say("pendingKept"), "warning");
  }
  function normalised(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");
  }
  function drawPicker() {
    var picker = $("offline-picker");
    if (!picker) { return; }
    var anonymous = $("who-anonymous");
    var chosen = picker.querySelector("input[name='who']:checked");
    var chosenCode = chosen ? chosen.value : "";
    Array.prototype.slice.call(picker.children).forEach(function (child) {
      if (child !== anonymous && child.getAttribute("for") !== "who-anonymous") { child.remove(); }
    });
    var query = normalised($("offline-find").value);
    var shown = people.filter(function (person) {
      if (!query) { return true; }
      return [person.code, person.name].concat(person.aliases).some(function (text) {
        return normalised(text).indexOf(query) !== -1;
      });
    }).slice(0, 8);
    if (!shown.length && people.length) {
      var none = document.createElement("p");
      none.className = "small text-secondary mb-1";
      none.textContent = say("nobody");
      picker.insertBefore(none, anonymous);
    }
    shown.forEach(function (person) {
      var input = document.createElement("input");
      input.className = "btn-check";
      input.type = "radio";
      input.name = "who";
      input.id = "who-" + person.code;
      input.value = person.code;
      input.autocomplete = "off";
      input.checked = person.code === chosenCode;
      var label = document.createElement("label");
      label.className = "list-group-item list-group-item-action d-flex justify-content-between picker-option";
      label.htmlFor = input.id;
      var words = document.createElement("span");
      var name = document.createElement("span");
      name.className = "fw-semibold";
      name.textContent = person.name || person.code;
      words.appendChild(name);
      person.flags.forEach(function (text) {
        var flag = document.createElement("span");
        flag.className = "d-block small fw-semibold picker-flag";
        flag.textContent = "⚠ " + text;
        words.appendChild(flag);
      });
      label.appendChild(words);
      if (person.name) {
        var code = document.createElement("span");
        code.className = "code small";
        code.textContent = person.code;
        label.appendChild(code);
      }
      picker.insertBefore(input, anonymous);
      picker.insertBefore(label, anonymous);
    });
  }
  async function personChosen(event) {
    if (event.target.name !== "who") { return; }
    var code = event.target.value;
    var person = people.filter(function (p) { return p.code === code; })[0];
    var flags = $("offline-flags");
    flags.textContent = "";
    if (person && person.flags.length) {
      var list = document.createElement("ul");
      list.className = "mb-0";
      person.flags.forEach(function (text) {
        var item = document.createElement("li");
        item.className = "fw-semibold";
        item.textContent = text;
        list.appendChild(item);
      });
      flags.appendChild(list);
    }
    show(flags, Boolean(person && person.flags.length));
    $("offline-form").classList.toggle("offline-person-chosen", Boolean(person));
    drawPersonPanels(person, person ? code : "");
    if (person) {
      // Opening a person offline is logged on the phone, sealed, and audited at the next sync.
      var state = await meta();
      await put("views", await sealToServer(state.publicKey, { user: state.user, code: code, at: new Date().toISOString(), id: newId() }));
    }
  }
  // The check-in, health and goals panels, for the person chosen: answers given for someone
  // else are cleared (the server refuses a check-in or a test drawn for another person), and
  // the goals panel is drawn from the person's goals in the cache (none kept for a
  // distribution volunteer).
  function drawPersonPanels(person, code) {
    var checkinFor = $("offline-checkin-for");
    if (checkinFor && checkinFor.value !== code) {
      $("offline-checkin").querySelectorAll("input[type='radio']").forEach(function (input) { input.checked = false; });
      checkinFor.value = code;
    }
    var healthFor = $("offline-health-for");
    if (healthFor && healthFor.value !== code) {
      $("offline-health").querySelectorAll("select, input:not([type='hidden'])").forEach(function (input) {
        if (input.tagName === "SELECT") {
          Array.prototype.forEach.call(input.options, function (option) { option.selected = option.defaultSelected; });
        } else {
          input.value = input.defaultValue;
        }
      });
      healthFor.value = code;
    }
    var cards = $("offline-goal-cards");
    if (!cards || cards.dataset.person === code) { return; }
    cards.dataset.person = code;
    cards.textContent = "";
    var goals = (person && person.goals) || [];
    show($("offline-goals"), Boolean(person && person.goals));
    show($("offline-no-goals"), !goals.length);
    goals.forEach(function (goal) { cards.appendChild(goalCard(goal)); });
  }
  function goalCard(goal) {
    var card = $("offline-goal-card").content.firstElementChild.cloneNode(true);
    ["name", "id", "for"].forEach(function (attribute) {
      card.querySelectorAll("[" + attribute + "]").forEach(function (element) {
        element.setAttribute(attribute, element.getAttribute(attribute).replace("-GOAL-", "-" + goal.id + "-"));
      });
    });
    var prefix = "goal_review-" + goal.id + "-";
    card.querySelector(".goal-words").textContent = goal.words;
    card.querySelector(".goal-rating").textContent = goal.closeness === null || goal.closeness === undefined
      ? say("notReviewed")
      : say("rated", { rating: goal.closeness, day: goal.reviewed_on ? new Date(goal.reviewed_on + "T12:00").toLocaleDateString(document.documentElement.lang || undefined) : "" });
    var levels = card.querySelector(".goal-levels");
    if (!goal.levels.length) { levels.remove(); }
    goal.levels.forEach(function (level) {
      levels.appendChild(choice("radio", prefix + "gas", String(level[0]), ((level[0] > 0 ? "+" : "") + level[0] + " " + level[1]).trim()));
    });
    var steps = card.querySelector(".goal-steps");
    if (!goal.steps.length) { steps.remove(); }
    goal.steps.forEach(function (step) { steps.appendChild(choice("checkbox", prefix + "steps_done", step[0], step[1])); });
    return card;
  }
  function choice(type, name, value, text) {
    var box = document.createElement("div");
    box.className = "form-check";
    var input = document.createElement("input");
    input.className = "form-check-input";
    input.type = type;
    input.name = name;
    input.value = value;
    input.id = name + "-" + value;
    var label = document.createElement("label");
    label.className = "form-check-label";
    label.htmlFor = input.id;
    label.textContent = text;
    box.appendChild(input);
    box.appendChild(label);
    return box;
  }
  async function contactSubmitted(event) {
    event.preventDefault();
    event.stopPropagation(); // alongside.js's online "one submission at a time" is not for this form
    var form = event.currentTarget;
    if (!dataKey) { lockPage(); return; }
    var data = new FormData(form);
    var who = data.get("who");
    if (!who) { message(say("chooseSomeone"), "danger"); return; }
    var fields = [];
    data.forEach(function (value, name) {
      if (!SKIP_FIELDS[name] && typeof value === "string") { fields.push([name, value]); }
    });
    var state = await meta();
    var person = people.filter(function (p) { return p.code === who; })[0];
    var given = fields.filter(function (pair) { return pair[0].indexOf("service_") === 0 && pair[1] && pair[1] !== "0"; });
    var summary = {
      who: who === "anonymous" ? say("anonymous") : (person && person.name) || who,
      code: who === "anonymous" ? "" : who,
      when: String(data.get("happened_at") || "").replace("T", " "),
      services: given.length
    };
    var item = {
      id: String(data.get("id")),
      user: state.user,
      state: "waiting",
      queuedAt: Date.now(),
      sealed: await sealToServer(state.publicKey, { user: state.user, fields: fields }),
      box: await lockBox({ fields: fields, summary: summary })
    };
    await put("outbox", item);
    freshContact();
    drawPicker();
    message(say("savedOnPhone"), "success");
    window.scrollTo(0, 0);
    await drawOutbox();
    if (navigator.onLine) { sendAndShow(); }
  }
  async function sendAndShow() {
    if (!$("offline-banner")) { return syncNow(); }
    $("offline-state").textContent = say("sending");
    var outcome = await syncNow();
    await drawOutbox();
    var texts = { signin: "signIn", someoneElse: "someoneElse", revoked: "revoked" };
    if (texts[outcome]) {
      if (outcome === "revoked") { lockPage(); }
      message(say(texts[outcome]), "warning");
    }
    return outcome;
  }
  async function updateBanner() {
    var state = await meta();
    var items = state ? (await all("outbox")).filter(function (item) { return item.user === state.user; }) : [];
    items.sort(function (a, b) { return (a.queuedAt || 0) - (b.queuedAt || 0); }); // in the order saved
    var line = (navigator.onLine ? say("online") : say("offline")) + " ";
    line += items.length ? say(items.length === 1 ? "waitingOne" : "waitingMany", { n: items.length }) : say("nothingWaiting");
    $("offline-state").textContent = line;
    var banner = $("offline-banner");
    banner.className = banner.className.replace(/alert-\w+/, items.length ? "alert-warning" : "alert-secondary");
    return items;
  }
  async function drawOutbox() {
    if (!$("offline-items")) { return; }
    var items = await updateBanner();
    var list = $("offline-items");
    list.textContent = "";
    show($("offline-outbox"), items.length > 0);
    for (var i = 0; i < items.length; i++) {
      list.appendChild(await outboxRow(items[i]));
    }
  }
  async function outboxRow(item) {
    var row = document.createElement("li");
    row.className = "list-group-item outbox-item";
    row.dataset.id = item.id;
    var text = document.createElement("div");
    var readable = null;
    if (dataKey && item.box) {
      try { readable = await openBox(item.box); } catch (error) { readable = null; }
    }
    if (readable) {
      var s = readable.summary;
      text.textContent = [s.who, s.when, say(s.services === 1 ? "serviceOne" : "services", { n: s.services })].join(" · ");
    } else if (!item.box) {
      text.textContent = say("unreadable");
    } else {
      text.textContent = say("locked");
    }
    row.appendChild(text);
    if (item.state !== "waiting") {
      var note = document.createElement("div");
      note.className = "small text-danger outbox-answer";
      note.textContent = say(item.state, { message: item.message });
      row.appendChild(note);
    }
    var buttons = document.createElement("div");
    buttons.className = "d-flex gap-2 mt-1";
    if (readable && readable.mergedInto) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "btn btn-outline-primary btn-sm";
      again.textContent = say("saveFor", { code: readable.mergedInto });
      again.addEventListener("click", function () { saveFor(item, readable, readable.mergedInto); });
      buttons.appendChild(again);
    }
    if (dataKey || !item.box) {
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "btn btn-outline-danger btn-sm";
      drop.textContent = say("delete");
      drop.addEventListener("click", async function () {
        if (!drop.dataset.asked) {
          drop.dataset.asked = "1";
          drop.textContent = say("deleteConfirm");
          return;
        }
        await remove("outbox", item.id);
        await drawOutbox();
      });
      buttons.appendChild(drop);
    }
    row.appendChild(buttons);
    return row;
  }
  async function saveFor(item, readable, code) {
    // The kept record after a merge: the same contact, for them (never stored, so the same id).
    var state = await meta();
    var fields = readable.fields.map(function (pair) { return pair[0] === "who" ? ["who", code] : pair; });
    readable.fields = fields;
    readable.summary.code = code;
    readable.mergedInto = "";
    item.sealed = await sealToServer(state.publicKey, { user: state.user, fields: fields });
    item.box = await lockBox(readable);
    item.state = "waiting";
    delete item.message;
    await put("outbox", item);
    await drawOutbox();
    if (navigator.onLine) { await sendAndShow(); }
  }

  // ---- Every page of a browser with offline use on ----
  // Signing out wipes what is readable first; the server then keeps the sealed outbox
  // (it clears the cache, not the storage) so nothing waiting is lost.
  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-sign-out") || form.dataset.wiped) { return; }
    if (!window.localStorage.getItem(FLAG)) { return; }
    event.preventDefault();
    await wipeReadable("signout");
    var keep = document.createElement("input");
    keep.type = "hidden";
    keep.name = "offline_wiped";
    keep.value = "1";
    form.appendChild(keep);
    form.dataset.wiped = "1";
    form.submit();
  }, true);

  function start() {
    loadWords();
    var setup = $("offline-setup");
    var form = $("offline-form");
    if (setup) { setupPage(setup); }
    if (form) { logPage(form); return; }
    // Any other page: send what waits (e.g. sealed contacts at the next sign-in).
    if (window.localStorage.getItem(FLAG) && navigator.onLine && supported()) {
      meta().then(function (state) {
        if (state && state.device) { syncNow(); }
      });
    }
  }
  start();
})();
