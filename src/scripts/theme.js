// @ts-check
/**
 * Light/dark theme. Runs in <head> before the first paint (a classic, blocking script: small, and
 * it keeps a saved choice from flashing). Without a saved choice the system setting applies
 * (prefers-color-scheme in site.css); the header button stores an explicit choice.
 */
(function () {
  var KEY = 'codex-archive-theme';
  var html = document.documentElement;
  try {
    var saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') html.dataset.theme = saved;
  } catch (e) {
    // Storage can be disabled (privacy settings); the system theme still applies.
  }

  /** @returns {'light' | 'dark'} */
  function effective() {
    var t = html.dataset.theme;
    if (t === 'light' || t === 'dark') return t;
    return typeof window.matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.querySelector('[data-theme-toggle]');
    if (!(button instanceof HTMLButtonElement)) return;
    var b = button;
    function sync() {
      b.setAttribute('aria-pressed', String(effective() === 'dark'));
    }
    b.hidden = false;
    sync();
    b.addEventListener('click', function () {
      var next = effective() === 'dark' ? 'light' : 'dark';
      html.dataset.theme = next;
      try {
        localStorage.setItem(KEY, next);
      } catch (e) {
        // Not saved; the choice lasts for this page.
      }
      sync();
    });
  });
})();
