// Keeps every error the dashboard meets in window.dashboardErrors: script
// errors, rejected promises nobody handled, console.error calls, files that
// failed to load and blocked content (the Content-Security-Policy). A person
// can read the list in the console, and the browser test reads it through
// WebDriver to prove the page ran cleanly. Loaded first, as a file of its
// own, so that it also sees a stylesheet or the main script failing.
"use strict";
(function () {
  var errors = [];
  window.dashboardErrors = errors;
  function record(kind, detail) {
    errors.push(kind + ": " + detail);
  }

  // Capture phase: load errors of <link> and <script> do not bubble.
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      record("resource", target.src || target.href);
    } else {
      record("error", event.message + " (" + event.filename + ":" + event.lineno + ")");
    }
  }, true);

  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    record("unhandledrejection", String(reason && reason.stack ? reason.stack : reason));
  });

  document.addEventListener("securitypolicyviolation", function (event) {
    record("csp", event.violatedDirective + " " + event.blockedURI);
  });

  var consoleError = console.error;
  console.error = function () {
    record("console.error", Array.prototype.map.call(arguments, String).join(" "));
    return consoleError.apply(console, arguments);
  };
})();
