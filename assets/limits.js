/*
 * Limits the browser meets.
 *
 * An upload above its limit: dcc.Upload (max_size) refuses the file without a word and sends
 * nothing. The label around the upload names the limit (data-max-bytes), where to say so
 * (data-message-for) and what to say (data-too-large, with {namn} and {storlek}); this script
 * says it when a file is chosen or dropped, and clears it for a file within the limit
 * (layouts/parts/upload_limit.py).
 *
 * A request above the server's limit: the server answers 413 with a Swedish message
 * (request_limits.py), or for a callback request 400 with one saying it is too large
 * (layouts/parts/request_guard.py); it is shown at the foot of the window with a button to
 * close it.
 */
(function () {
  "use strict";

  function sizeText(size) {
    if (size >= 1000000) {
      return (Math.round(size / 100000) / 10).toString().replace(".", ",") + " MB";
    }
    return Math.max(Math.round(size / 1000), 1) + " kB";
  }

  function checkFiles(event) {
    var target = event.target;
    if (!target || !target.closest) {
      return;
    }
    var holder = target.closest("[data-max-bytes]");
    if (!holder) {
      return;
    }
    var files = (event.dataTransfer && event.dataTransfer.files) || target.files;
    if (!files || !files.length) {
      return;
    }
    var box = document.getElementById(holder.getAttribute("data-message-for"));
    if (!box) {
      return;
    }
    var limit = Number(holder.getAttribute("data-max-bytes"));
    var tooLarge = Array.prototype.filter.call(files, function (file) {
      return limit > 0 && file.size > limit;
    });
    box.textContent = tooLarge.length
      ? holder.getAttribute("data-too-large")
          .replace("{namn}", tooLarge[0].name)
          .replace("{storlek}", sizeText(tooLarge[0].size))
      : "";
  }

  document.addEventListener("change", checkFiles, true);
  document.addEventListener("drop", checkFiles, true);

  function showRequestMessage(text) {
    var box = document.getElementById("request-limit-message");
    if (!box) {
      box = document.createElement("div");
      box.id = "request-limit-message";
      box.className = "request-limit-message";
      box.setAttribute("role", "alert");
      var paragraph = document.createElement("p");
      var close = document.createElement("button");
      close.type = "button";
      close.className = "secondary";
      close.textContent = "Stäng";
      close.addEventListener("click", function () {
        box.remove();
      });
      box.appendChild(paragraph);
      box.appendChild(close);
      document.body.appendChild(box);
    }
    box.firstChild.textContent = text;
  }

  if (window.fetch) {
    var originalFetch = window.fetch;
    window.fetch = function () {
      return originalFetch.apply(this, arguments).then(function (response) {
        if (response.status === 413 || response.status === 400) {
          response.clone().text().then(function (text) {
            if (response.status === 413 || text.indexOf("för stor") !== -1) {
              showRequestMessage(text.trim() || "Begäran är för stor.");
            }
          });
        }
        return response;
      });
    };
  }
})();
