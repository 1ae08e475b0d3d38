/* Momentum's service worker, served at /sw.js (journal/views/push.py) so that its scope is
   the whole site.

   - Push: shows each message (JSON: title, body, url, tag; journal/push.py) and opens its
     link when clicked.
   - Offline: keeps the site's static files as last fetched, and the pages read recently on this device (GET navigations answered 200 with
     HTML, never a POST, never a page marked no-store, never the private areas below) and,
     when the network is gone, serves the saved copy with an "Offline" banner, or /offline/
     when the page was never saved. Every other request goes to the network untouched.
   - Logging out forgets every saved page, so the next person on this device sees none of them.

   A new release changes this file, so the browser installs it anew (it is served no-cache);
   VERSION names the caches it keeps, and older ones are deleted when it takes over. */

var VERSION = "1";
var PAGES = "momentum-pages-" + VERSION;
var SHELL = "momentum-shell-" + VERSION;
var OFFLINE_URL = "/offline/";
var LOGOUT_PATH = "/accounts/logout/";
var STATIC_PREFIX = "/static/";
var ICON = STATIC_PREFIX + "img/icon-192.png";
// Pages kept, the oldest read forgotten first.
var MAX_PAGES = 40;
// Areas never kept: one's account and settings, moderation, the admin, the API and the
// editor's endpoints (their answers are about one person, and seldom worth reading offline).
var NEVER_KEPT = /^\/(accounts|settings|moderation|admin|api|markdown|notifications|welcome)(\/|$)/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    // Fetched as a visitor: the same page for whoever is offline on this device.
    caches.open(SHELL).then(function (cache) {
      return cache.add(new Request(OFFLINE_URL, { credentials: "omit" }));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("momentum-") === 0 && name !== PAGES && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function forgetPages() {
  return caches.delete(PAGES);
}

function keepable(request, response) {
  var path = new URL(request.url).pathname;
  var cacheControl = response.headers.get("Cache-Control") || "";
  return response.status === 200 && response.type === "basic" &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0 &&
    !/no-store/.test(cacheControl) && !NEVER_KEPT.test(path);
}

// A fresh response (not marked as redirected, which a navigation may not be answered with),
// with the moment it was saved.
function keep(request, response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.set("X-Momentum-Saved-At", new Date().toISOString());
    return caches.open(PAGES).then(function (cache) {
      return cache.delete(request).then(function () {
        return cache.put(request, new Response(html, { status: 200, headers: headers }));
      }).then(function () { return cache.keys(); }).then(function (keys) {
        return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) {
          return cache.delete(key);
        }));
      });
    });
  });
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
  });
}

// The saved copy, with a banner at the top of its main content saying what it is.
function markedOffline(saved) {
  var savedAt = new Date(saved.headers.get("X-Momentum-Saved-At") || Date.now());
  return saved.text().then(function (html) {
    var banner = '<p class="offline-banner" role="status" data-offline-copy><strong>Offline.</strong> ' +
      "You are reading a copy saved on this device on " + escapeHtml(savedAt.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })) +
      "; it may be out of date, and nothing can be sent until you are back online.</p>";
    var marked = html.replace(/<main\b[^>]*>/, function (tag) { return tag + banner; });
    return new Response(marked, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

// Stylesheets, scripts and icons, from the network while there is one, so that a saved
// page looks and works as it did; the copy kept is the last one fetched.
function staticFile(event) {
  return fetch(event.request).then(function (response) {
    if (response.status === 200) {
      var copy = response.clone();
      event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.put(event.request, copy); }));
    }
    return response;
  }, function () {
    return caches.match(event.request).then(function (kept) { return kept || Response.error(); });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_URL).then(function (page) {
    return page || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT_PATH) {
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method === "GET" && url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFile(event));
    return;
  }
  if (request.method !== "GET" || request.mode !== "navigate") return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (keepable(request, response)) event.waitUntil(keep(request, response.clone()));
      return response;
    }, function () {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(request);
      }).then(function (saved) {
        return saved ? markedOffline(saved) : offlinePage();
      });
    })
  );
});

// The list of saved pages, for /offline/ (static/js/app.js asks for it).
self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "saved-pages" || !event.ports[0]) return;
  caches.open(PAGES).then(function (cache) { return cache.keys(); }).then(function (keys) {
    event.ports[0].postMessage(keys.map(function (key) { return new URL(key.url).pathname + new URL(key.url).search; }).reverse());
  });
});

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data.text() };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Momentum", {
      body: message.body || "",
      tag: message.tag || "momentum",
      icon: ICON,
      badge: ICON,
      data: { url: message.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      var open = windows.filter(function (client) { return client.url === target.href && "focus" in client; })[0];
      return open ? open.focus() : self.clients.openWindow(target.href);
    })
  );
});
