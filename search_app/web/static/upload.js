// Upload pages, enhanced: files dropped on the form, and a batch's states kept current
// without reloading. Without JavaScript the form posts as it is and the progress page
// refreshes itself.
(function () {
  "use strict";

  function showChosen(input, list) {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;
      list.appendChild(item);
    });
  }

  function enhanceDropZone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector(".chosen");
    var hint = zone.querySelector(".drop-hint");
    input.addEventListener("change", function () { showChosen(input, list); });
    if (!("DataTransfer" in window) || !("draggable" in zone)) {
      return;
    }
    hint.hidden = false;
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      var pdfs = new DataTransfer();
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) {
        if (file.type === "application/pdf" || /\.pdf$/i.test(file.name)) {
          pdfs.items.add(file);
        }
      });
      input.files = pdfs.files;
      showChosen(input, list);
    });
  }

  // Sends the form itself to show how much has been sent (large scans take a while),
  // then opens the batch's progress page the server names.
  function sendWithProgress(form) {
    var sending = form.querySelector(".sending");
    var bar = sending.querySelector("progress");
    var error = form.querySelector(".send-error");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) { bar.value = 100 * progress.loaded / progress.total; }
      });
      request.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(request.responseText); } catch (e) { answer = null; }
        if (answer && answer.url) {
          window.location.assign(answer.url);
          return;
        }
        sending.hidden = true;
        button.disabled = false;
        error.hidden = false;
        error.textContent = request.status === 413 ? form.dataset.tooLarge
          : (answer && answer.error) || form.dataset.failed;
      });
      request.addEventListener("error", function () {
        sending.hidden = true;
        button.disabled = false;
        error.hidden = false;
        error.textContent = form.dataset.failed;
      });
      error.hidden = true;
      sending.hidden = false;
      button.disabled = true;
      bar.value = 0;
      request.send(new FormData(form));
    });
  }

  function updateRow(row, file, labels) {
    var state = row.querySelector(".upload-state");
    // A file being OCR'd says how far it has got ("正在识别 12/19 页") instead of "parsing".
    state.textContent = file.progress ? file.progress.text : labels[file.state] || file.state;
    state.dataset.state = file.state;
    state.className = "upload-state state-" + file.state.replace(/ /g, "-");
    row.querySelector(".reason").textContent = file.reason;
    var std = row.querySelector(".std");
    std.textContent = "";
    if (file.url) {
      var link = document.createElement("a");
      link.href = file.url;
      link.textContent = file.std_no;
      std.appendChild(link);
    } else {
      std.textContent = file.std_no;
    }
  }

  function poll(table) {
    var labels = JSON.parse(table.dataset.labels);
    var status = document.querySelector(".upload-status");
    function tick() {
      fetch(table.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          data.files.forEach(function (file) {
            var row = table.querySelector('tr[data-upload-id="' + file.id + '"]');
            if (row) { updateRow(row, file, labels); }
          });
          if (data.done) {
            table.dataset.done = "true";
            status.textContent = status.dataset.doneText;
          } else {
            window.setTimeout(tick, 1000);
          }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    if (table.dataset.done !== "true") { window.setTimeout(tick, 500); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-drop-zone]").forEach(enhanceDropZone);
    document.querySelectorAll("form.upload-form").forEach(sendWithProgress);
    document.querySelectorAll("table[data-poll]").forEach(poll);
  });
})();
