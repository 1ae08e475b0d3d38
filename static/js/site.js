// Small improvements on pages that already work without JavaScript.
(function () {
  "use strict";

  // Pre-select the browser's time zone where the person has not chosen one yet.
  document.querySelectorAll("input[data-time-zone]").forEach(function (input) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && (!input.value || input.value === "UTC")) {
      input.value = zone;
    }
  });

  // The account menu opens and closes without script; this only closes it when the
  // person clicks elsewhere or presses Escape, as menus usually do.
  document.querySelectorAll("details.account-menu").forEach(function (menu) {
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });

  // "Add an image": hand the chosen file to django-markdownx's own drop handler, which
  // uploads it and inserts the Markdown where the cursor is.
  document.querySelectorAll("input[data-image-upload-for]").forEach(function (picker) {
    var tools = picker.closest(".editor-tools");
    var editor = document.getElementById(picker.dataset.imageUploadFor);
    var status = tools.querySelector(".upload-status");
    if (!editor || typeof DataTransfer === "undefined") {
      return;
    }
    tools.hidden = false;
    picker.addEventListener("change", function () {
      if (!picker.files.length) {
        return;
      }
      var transfer = new DataTransfer();
      transfer.items.add(picker.files[0]);
      status.textContent = "Uploading " + picker.files[0].name + "…";
      editor.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      picker.value = "";
    });
    editor.closest(".markdownx").addEventListener("markdownx.fileUploadEnd", function () {
      status.textContent = "Image added.";
    });
    editor.closest(".markdownx").addEventListener("markdownx.fileUploadError", function () {
      status.textContent = "That image could not be uploaded. Use a PNG, JPEG or WebP of 5 MB at most.";
    });
  });
})();
