// Small improvements on pages that already work without JavaScript.
(function () {
  "use strict";

  // Pre-select the browser's time zone where the person has not chosen one yet: in a text
  // box, or in a list that has it (a browser may name a zone the list does not hold).
  document.querySelectorAll("[data-time-zone]").forEach(function (control) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var listed = !control.options || Array.prototype.some.call(control.options, function (option) {
      return option.value === zone;
    });
    if (zone && listed && (!control.value || control.value === "UTC")) {
      control.value = zone;
    }
  });

  // Menus open and close without script; this only closes one when the person clicks
  // elsewhere or presses Escape, as menus usually do. The site menu's links follow its
  // button rather than sit inside it, since a wide screen shows them in the header.
  document.querySelectorAll("details.account-menu, details.theme-menu, details.nav-menu").forEach(function (menu) {
    var parts = menu.classList.contains("nav-menu") ? [menu, menu.nextElementSibling] : [menu];
    document.addEventListener("click", function (event) {
      if (menu.open && !parts.some(function (part) { return part.contains(event.target); })) {
        menu.open = false;
      }
    });
    parts.forEach(function (part) {
      part.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
  });

  // Colours: light, dark or the system's, remembered on this device, where js/theme.js
  // applies the choice before each page paints. Nothing is sent to the server: pages are
  // shared between readers. The menu stays hidden where the choice could not be kept.
  document.querySelectorAll("details.theme-menu").forEach(function (menu) {
    var root = document.documentElement;
    var storage;
    try {
      storage = window.localStorage;
      storage.setItem("theme-test", "1");
      storage.removeItem("theme-test");
    } catch (error) {
      return;
    }
    function apply(choice) {
      if (choice === "light" || choice === "dark") {
        root.setAttribute("data-theme", choice);
      } else {
        choice = "system";
        root.removeAttribute("data-theme");
      }
      menu.querySelector("input[value=" + choice + "]").checked = true;
    }
    apply(storage.getItem("theme"));
    menu.addEventListener("change", function (event) {
      if (event.target.value === "system") {
        storage.removeItem("theme");
      } else {
        storage.setItem("theme", event.target.value);
      }
      apply(event.target.value);
    });
    // A choice made in another tab, or while this page waited in the back-forward cache.
    window.addEventListener("storage", function () {
      apply(storage.getItem("theme"));
    });
    window.addEventListener("pageshow", function () {
      apply(storage.getItem("theme"));
    });
    menu.hidden = false;
  });

  // The feed's tabs scroll sideways where the screen is too narrow for them: the current
  // one is brought into view.
  document.querySelectorAll(".feed-tabs ul").forEach(function (tabs) {
    var current = tabs.querySelector("[aria-current]");
    var hidden = current ? current.getBoundingClientRect().right - tabs.getBoundingClientRect().right : 0;
    if (hidden > 0) {
      tabs.scrollLeft += hidden + parseFloat(getComputedStyle(tabs).paddingRight);
    }
  });

  // A field's error goes once the person has fixed it, as far as the browser can tell
  // (the server checks again on submit): from the field, and from the summary above the
  // form (includes/form_errors.html), which goes too when nothing is left in it.
  function clearFixedError(event) {
    var control = event.target;
    var field = control.closest && control.closest(".field-error");
    var error = field && field.querySelector(".error[id]");
    if (!error || !control.checkValidity || !control.checkValidity()) {
      return;
    }
    field.classList.remove("field-error");
    field.querySelectorAll("[aria-invalid]").forEach(function (invalid) {
      invalid.removeAttribute("aria-invalid");
    });
    field.querySelectorAll("[aria-describedby]").forEach(function (described) {
      var ids = described.getAttribute("aria-describedby").split(" ").filter(function (id) {
        return id !== error.id;
      });
      if (ids.length) {
        described.setAttribute("aria-describedby", ids.join(" "));
      } else {
        described.removeAttribute("aria-describedby");
      }
    });
    var summary = control.form && control.form.querySelector(".form-errors");
    if (summary) {
      summary.querySelectorAll("[data-error-for='" + error.id.replace(/_error$/, "") + "']").forEach(function (line) {
        line.remove();
      });
      if (!summary.querySelector("li")) {
        summary.remove();
      }
    }
    error.remove();
  }
  document.addEventListener("input", clearFixedError);
  document.addEventListener("change", clearFixedError);

  // The CSRF token of the session as it is now: logging in again in another tab gives
  // the session a new one, and the form on this page still holds the old one.
  function csrfToken(form) {
    var cookie = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf("csrftoken=") === 0;
    })[0];
    return cookie ? cookie.slice("csrftoken=".length) : form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  // A person who signed in again elsewhere while writing can still publish what they wrote.
  document.querySelectorAll("form.entry-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelector("input[name=csrfmiddlewaretoken]").value = csrfToken(form);
    });
  });

  // An entry not published yet is kept on this device (localStorage), one draft per form
  // address, so a closed tab, a crash or a lost network loses nothing. It comes back with a
  // notice and a button that discards it; it goes once the page after sending the form
  // says the entry was saved (a refused form comes back as the form, and keeps it).
  var DRAFT_PREFIX = "momentum-draft:";
  // How long after sending a form a success message may be taken as its answer.
  var SENT_WITHIN_MS = 10 * 60 * 1000;
  var drafts = null;
  try {
    drafts = window.localStorage;
    drafts.getItem(DRAFT_PREFIX);
  } catch (error) {
    drafts = null;
  }

  function readDraft(key) {
    try {
      return JSON.parse(drafts.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.name !== "csrfmiddlewaretoken" && field.type !== "file" &&
        field.type !== "submit" && field.type !== "button" && field.type !== "hidden";
    });
  }

  function formValues(form) {
    var values = {};
    draftFields(form).forEach(function (field) {
      if (field.type === "radio") {
        if (field.checked) values[field.name] = field.value;
      } else if (field.type === "checkbox") {
        values[field.name] = field.checked;
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function fillForm(form, values) {
    draftFields(form).forEach(function (field) {
      if (!(field.name in values)) return;
      var value = values[field.name];
      if (field.type === "radio") field.checked = field.value === value;
      else if (field.type === "checkbox") field.checked = value === true;
      else field.value = value;
      // The editor's live preview follows its text.
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function sameValues(a, b) {
    return Object.keys(a).concat(Object.keys(b)).every(function (name) { return a[name] === b[name]; });
  }

  if (drafts) {
    var saved = document.querySelector(".message-success");
    Object.keys(drafts).forEach(function (key) {
      if (key.indexOf(DRAFT_PREFIX) !== 0) return;
      var draft = readDraft(key);
      if (!draft || (draft.sentAt && saved && !document.querySelector("form.entry-form") &&
          Date.now() - draft.sentAt < SENT_WITHIN_MS)) {
        drafts.removeItem(key);
      }
    });
  }

  document.querySelectorAll("form.entry-form").forEach(function (form) {
    if (!drafts) return;
    var key = DRAFT_PREFIX + window.location.pathname;
    var original = formValues(form);
    var draft = readDraft(key);
    var refused = form.querySelector(".form-errors");
    var notice = null;

    function save(sentAt) {
      var values = formValues(form);
      // What a refused form holds was never published either, so it is kept too.
      if (sameValues(values, original) && !sentAt && !refused) {
        drafts.removeItem(key);
        return;
      }
      try {
        drafts.setItem(key, JSON.stringify({ values: values, savedAt: Date.now(), sentAt: sentAt || null }));
      } catch (error) {
        // The device's storage is full: the form still works, only the copy is missing.
      }
    }

    // A refused form comes back with what was sent in it, newer than any draft.
    if (draft && draft.values && !refused && !sameValues(draft.values, original)) {
      fillForm(form, draft.values);
      notice = document.createElement("div");
      notice.className = "draft-notice";
      notice.setAttribute("role", "status");
      notice.setAttribute("data-draft-notice", "");
      var text = document.createElement("p");
      text.textContent = "Restored a draft kept on this device from " +
        new Date(draft.savedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) + ". It is not published yet.";
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button button-ghost button-small";
      discard.textContent = "Discard draft";
      discard.addEventListener("click", function () {
        drafts.removeItem(key);
        fillForm(form, original);
        notice.remove();
        form.querySelector("input:not([type=hidden]), textarea").focus();
      });
      notice.appendChild(text);
      notice.appendChild(discard);
      form.parentNode.insertBefore(notice, form);
    } else {
      save(null);
    }

    form.addEventListener("input", function () { save(null); });
    form.addEventListener("change", function () { save(null); });
    form.addEventListener("submit", function () { save(Date.now()); });
  });

  // django-markdownx makes Tab insert a tab character, which leaves a keyboard user no way
  // out of the editor (WCAG 2.1.2). Tab is stopped on its way down, before django-markdownx's
  // handler on the editor, so it moves focus as everywhere else; indenting stays on
  // django-markdownx's Ctrl+] and Ctrl+[, which the hint under the editor explains.
  document.querySelectorAll("[data-editor-keys-for]").forEach(function (hint) {
    var editor = document.getElementById(hint.dataset.editorKeysFor);
    if (!editor) {
      return;
    }
    editor.closest(".markdownx").addEventListener("keydown", function (event) {
      if (event.key === "Tab" && event.target === editor) {
        event.stopPropagation();
      }
    }, true);
    editor.setAttribute("aria-describedby", ((editor.getAttribute("aria-describedby") || "") + " " + hint.id).trim());
    hint.hidden = false;
  });

  // Images: the picker, a drop or a paste. Uploaded here rather than by django-markdownx,
  // which writes "Invalid response" into the person's text when an upload is refused;
  // this says why instead, and leaves the text alone.
  document.querySelectorAll("input[data-image-upload-for]").forEach(function (picker) {
    var tools = picker.closest(".editor-tools");
    var editor = document.getElementById(picker.dataset.imageUploadFor);
    var status = tools.querySelector(".upload-status");
    if (!editor || !window.fetch || !window.FormData) {
      return;
    }
    tools.hidden = false;

    function insertAtCursor(text) {
      var start = editor.selectionStart, end = editor.selectionEnd;
      editor.value = editor.value.slice(0, start) + text + editor.value.slice(end);
      editor.selectionStart = editor.selectionEnd = start + text.length;
      // django-markdownx refreshes its preview on input.
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload(file) {
      status.textContent = "Uploading " + file.name + "…";
      var data = new FormData();
      data.append("image", file);
      data.append("csrfmiddlewaretoken", csrfToken(editor.form));
      fetch(editor.dataset.markdownxUploadUrlsPath, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().catch(function () {
            return {};
          });
        })
        .then(
          function (answer) {
            if (answer.image_code) {
              insertAtCursor(answer.image_code);
              status.textContent = "Image added.";
            } else {
              status.textContent = answer.error || "That image could not be uploaded. Try again in a moment.";
            }
          },
          function () {
            status.textContent = "The image did not reach Momentum. Check your connection and try again.";
          }
        );
    }

    picker.addEventListener("change", function () {
      if (picker.files.length) {
        upload(picker.files[0]);
        picker.value = "";
      }
    });
    // Caught on the way down, before django-markdownx's own handlers on the editor.
    ["drop", "paste"].forEach(function (type) {
      editor.closest(".markdownx").addEventListener(type, function (event) {
        var files = (event.dataTransfer || event.clipboardData || {}).files;
        if (event.target === editor && files && files.length) {
          event.preventDefault();
          event.stopPropagation();
          upload(files[0]);
        }
      }, true);
    });
  });
})();
