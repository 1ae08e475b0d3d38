// Cheer without leaving the page. The cheer form works as a plain post; this only saves
// the reload, and falls back to the plain post whenever the JSON answer does not come.
(function () {
  "use strict";

  if (!window.fetch) {
    return;
  }

  function label(count) {
    return count + (count === 1 ? " cheer" : " cheers");
  }

  // The browser's own post, with the button's entry: form.submit() leaves the button out.
  function postPlainly(form, button) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = button.name;
    field.value = button.value;
    form.appendChild(field);
    form.submit();
  }

  // Every cheer button submits the page's one cheer form, naming its entry.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches("form[data-cheer]") || !button || !button.value) {
      return;
    }
    event.preventDefault();
    var count = document.getElementById(button.getAttribute("aria-describedby"));
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var body = new FormData(form);
    body.append(button.name, button.value);
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: body,
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
        postPlainly(form, button);
      });
  });
})();
