// The colours chosen on this device (site.js's menu), applied before the page paints so a
// dark page never flashes light. Without a choice the stylesheet follows the system.
(function () {
  "use strict";
  var choice = null;
  try {
    choice = window.localStorage.getItem("theme");
  } catch (error) {
    // Storage refused (a private window, a blocked site): the system's colours apply.
  }
  if (choice === "light" || choice === "dark") {
    document.documentElement.setAttribute("data-theme", choice);
  }
})();
