// @ts-check
/**
 * Copy buttons: one next to every code block and command (`pre`), plus any `[data-copy]` button
 * the transcript renders (its `data-copy` names the id of the element to copy, or holds the text).
 * Buttons are added by script because without script they could do nothing.
 */
(function () {
  /** @param {string} text @param {HTMLButtonElement} button */
  function copy(text, button) {
    var done = function () {
      var old = button.textContent;
      button.textContent = 'Copied';
      setTimeout(function () {
        button.textContent = old;
      }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () {});
    else {
      // file:// is not a secure context in every browser: fall back to a selection copy.
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand('copy');
        done();
      } catch (e) {}
      area.remove();
    }
  }

  document.querySelectorAll('main pre').forEach(function (pre) {
    if (pre.closest('[data-no-copy]') || (pre.textContent || '').length < 2) return;
    if (pre.previousElementSibling && pre.previousElementSibling.classList.contains('copy-button')) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy this block');
    button.addEventListener('click', function () {
      copy(pre.textContent || '', button);
    });
    pre.before(button);
  });

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
    if (!(button instanceof HTMLButtonElement)) return;
    var ref = button.dataset.copy || '';
    var target = ref ? document.getElementById(ref) : null;
    copy(target ? target.textContent || '' : ref, button);
  });
})();
