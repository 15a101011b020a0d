// The verification page's file check: the chosen PDF is sent as it is to
// POST /api/extracts/{code}/check (which changes nothing) and the verdict shown in words.
// Without JavaScript the form stays hidden and the SHA-256 form does the same check.
(function () {
  "use strict";
  var form = document.getElementById("check-file");
  if (!form || !window.fetch) { return; }
  var lang = document.currentScript ? document.currentScript.dataset.lang : "vi";
  var out = document.getElementById("file-verdict");
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = document.getElementById("pdf-file").files[0];
    if (!file) { return; }
    out.textContent = "…";
    fetch("/api/extracts/" + encodeURIComponent(form.dataset.code) + "/check", {
      method: "POST", headers: { "Content-Type": "application/pdf" }, body: file
    }).then(function (response) { return response.json(); }).then(function (answer) {
      var message = lang === "en" ? answer.message_en : answer.message_vi;
      out.textContent = message || answer.message;
      out.className = answer.matches ? "ok" : "refused";
    }).catch(function () {
      out.textContent = lang === "en" ? "The check failed: try again." : "Không kiểm tra được: hãy thử lại.";
      out.className = "refused";
    });
  });
})();
