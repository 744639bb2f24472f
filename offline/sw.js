// Alongside's service worker (served from /sw.js by offline/views.py, which fills in the
// shell and the version). Registered only when a worker turns offline use on.
//
// It keeps the app shell: the offline Log a contact page and its files, none of which holds
// anything about a person (docs/offline.md). It never stores case data and never syncs: the
// page does that, encrypted, when the signal returns (static/js/offline.js).
"use strict";

var SHELL = __SHELL__;
var CACHE = "alongside-shell-__VERSION__";
var OFFLINE_PAGE = SHELL[0];
// Pages that fall back to the offline Log a contact page when the network fails.
var LOG_PAGES = ["/contacts/log/", OFFLINE_PAGE];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // The page is fetched with the worker's session (it is signed in when this runs).
      return cache.addAll(SHELL.map(function (url) {
        return new Request(url, { credentials: "same-origin", cache: "reload" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("alongside-shell-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isLogPage(url) {
  return LOG_PAGES.indexOf(url.pathname) !== -1;
}

// Log a contact sent without signal: the browser would show its "No internet" page and
// everything typed would be lost. Instead the fields are kept here, in this worker's memory
// only (never stored), the offline page is served, and it asks for them once unlocked.
var pending = null;

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "pending-contact" && event.ports[0]) {
    event.ports[0].postMessage(pending);
    pending = null;
  }
});

function keptOffline(request) {
  return request.formData().then(function (form) {
    var fields = [];
    form.forEach(function (value, name) { if (typeof value === "string") { fields.push([name, value]); } });
    pending = fields;
    return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_PAGE); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && request.mode === "navigate" && isLogPage(url)) {
    var copy = request.clone();
    event.respondWith(fetch(request).catch(function () { return keptOffline(copy); }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate" && isLogPage(url)) {
    // Network first: online, the worker gets the live page (and the shell is refreshed);
    // without signal, the offline page from the cache.
    event.respondWith(
      fetch(request).then(function (response) {
        if (url.pathname === OFFLINE_PAGE && response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(OFFLINE_PAGE, copy); });
        }
        return response;
      }).catch(function () {
        return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_PAGE); });
      })
    );
    return;
  }
  if (SHELL.indexOf(url.pathname) > 0) {
    // The shell's static files have cache-busted names: the cached copy is the right one.
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
      })
    );
  }
});
