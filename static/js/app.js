/* The installable app's part of every page: registers the service worker (static/sw.js),
   drives the push section of the settings (includes/push_settings.html), and lists the
   pages saved on this device on /offline/. Pages work the same without it. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  var registered = navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/" });

  function csrfToken() {
    var cookie = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf("csrftoken=") === 0;
    })[0];
    return cookie ? cookie.slice("csrftoken=".length) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) throw new Error(answer.error || "The server refused (" + response.status + ").");
        return answer;
      });
    });
  }

  // The VAPID public key (base64url) as the bytes PushManager.subscribe() takes.
  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  document.querySelectorAll("[data-push]").forEach(function (section) {
    var controls = section.querySelector("[data-push-controls]");
    var button = section.querySelector("[data-push-toggle]");
    var status = section.querySelector("[data-push-status]");
    if (!("PushManager" in window) || !("Notification" in window)) {
      status.textContent = "This browser cannot receive push messages.";
      return;
    }
    section.querySelector("[data-push-needs-script]").hidden = true;
    controls.hidden = false;

    function show(subscription) {
      button.textContent = subscription ? "Turn push off for this device" : "Turn push on for this device";
      button.setAttribute("aria-pressed", subscription ? "true" : "false");
      button.dataset.subscribed = subscription ? "true" : "false";
    }

    function failed(error) {
      status.textContent = error.message || String(error);
    }

    registered.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      show(subscription);
      status.textContent = subscription ? "Push is on for this device." : "Push is off for this device.";
    }, failed);

    function turnOn(registration) {
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("This browser does not allow Momentum to show notifications; allow them in its site settings first.");
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(section.dataset.vapidKey),
        });
      }).then(function (subscription) {
        // The page again, with this device in its list.
        return post(section.dataset.subscribeUrl, subscription.toJSON()).then(function () {
          window.location.reload();
        }, function (error) {
          // The server refused it: leave the browser as unsubscribed as the server knows it.
          return subscription.unsubscribe().then(function () { throw error; });
        });
      });
    }

    function turnOff(registration) {
      return registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return null;
        return post(section.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }).then(function () {
          return subscription.unsubscribe();
        });
      }).then(function () {
        window.location.reload();
      });
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "";
      navigator.serviceWorker.ready.then(function (registration) {
        return button.dataset.subscribed === "true" ? turnOff(registration) : turnOn(registration);
      }).catch(failed).then(function () { button.disabled = false; });
    });
  });

  // /offline/: the pages this device keeps, asked of the service worker.
  document.querySelectorAll("[data-saved-pages]").forEach(function (list) {
    navigator.serviceWorker.ready.then(function (registration) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        event.data.forEach(function (path) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = path;
          link.textContent = path;
          item.appendChild(link);
          list.appendChild(item);
        });
        list.closest("[data-saved-pages-section]").hidden = event.data.length === 0;
      };
      registration.active.postMessage({ type: "saved-pages" }, [channel.port2]);
    });
  });
})();
