// "Copy" buttons: <button data-copy="ID"> copies the value of the field with that id and says so.
(() => {
  document.querySelectorAll("button[data-copy]").forEach(button => {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copy-status");
      field.select();
      let ok = false;
      try {
        await navigator.clipboard.writeText(field.value);
        ok = true;
      } catch (err) {
        ok = document.execCommand && document.execCommand("copy");  // pages served over plain http
      }
      if (status) status.textContent = ok ? "Copied." : "Select the link and copy it (Ctrl+C).";
    });
  });
})();
