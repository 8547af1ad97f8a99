// modelreg UI: small enhancements; every page works without them.
"use strict";

function copyText(button) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const text = source.innerText.trim();
  const done = () => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => {});
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(source);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  if (document.execCommand("copy")) done();
}

// "Archive the versions already in this stage" only applies to Staging and Production.
function syncArchive(select) {
  const box = select.form.querySelector("input[name=archive_existing_versions]");
  if (!box) return;
  const allowed = (select.dataset.archivable || "").split(",").includes(select.value);
  box.disabled = !allowed;
  if (!allowed) box.checked = false;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (button) copyText(button);
});

document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-archivable]")) {
    syncArchive(select);
    select.addEventListener("change", () => syncArchive(select));
  }
});
