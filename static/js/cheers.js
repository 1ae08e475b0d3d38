// Cheer without leaving the page. The cheer forms work as plain posts; this only saves
// the reload, and falls back to the plain post whenever the JSON answer does not come.
(function () {
  "use strict";

  if (!window.fetch) {
    return;
  }

  function label(count) {
    return count + (count === 1 ? " cheer" : " cheers");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-cheer]")) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button");
    var count = form.parentElement.querySelector("[data-cheer-count]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || response.redirected || type.indexOf("application/json") !== 0) {
          throw new Error("no JSON answer");
        }
        return response.json();
      })
      .then(function (data) {
        button.setAttribute("aria-pressed", data.cheered ? "true" : "false");
        count.textContent = label(data.count);
        button.disabled = false;
      })
      .catch(function () {
        // Signed out meanwhile, rate limited, offline: let the server's pages explain.
        form.submit();
      });
  });
})();
