// Copy buttons for the session header: a button with `data-copy-target="<id>"` copies the text of
// that element. Loaded as an external module (the pages' CSP allows no inline script); buttons
// start `hidden` and are shown only when the clipboard is available.
for (const button of document.querySelectorAll('button[data-copy-target]')) {
  const target = document.getElementById(button.dataset.copyTarget ?? '');
  const status = button.parentElement?.querySelector('[data-copy-status]');
  if (!target || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(target.textContent ?? '');
      if (status) status.textContent = 'Copied';
    } catch {
      if (status) status.textContent = 'Could not copy: select the text instead';
    }
    setTimeout(() => {
      if (status) status.textContent = '';
    }, 2000);
  });
}
