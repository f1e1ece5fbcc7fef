// @ts-check
/**
 * Page behaviour shared by every page (a classic deferred script, so it also runs from
 * file://): opens the search dialog (header link, `/`, Ctrl/⌘+K), loads the search and copy
 * scripts only when a page needs them, and moves between turns with `j`/`k` on session pages.
 */
(function () {
  var html = document.documentElement;
  var root = html.dataset.root || '';
  /** @type {Record<string, Promise<void>>} */
  var loading = {};

  /** Loads `ui/<name>.js` once, as a classic script. @param {string} name */
  function loadScript(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = root + 'ui/' + name + '.js';
        s.onload = function () {
          resolve();
        };
        s.onerror = function () {
          reject(new Error('Could not load ' + s.src));
        };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  /** Attaches the search UI to a `[data-search]` box once search.js is there. @param {Element | null} box */
  function attachSearch(box) {
    if (!box) return;
    loadScript('search').then(function () {
      var api = /** @type {any} */ (window).codexArchiveSearch;
      if (api) api.attach(box);
    });
  }

  /** @param {EventTarget | null} target */
  function isTyping(target) {
    return (
      target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
    );
  }

  var dialog = document.getElementById('search-dialog');
  /** Opens the dialog; false when there is none (the link then navigates). */
  function openSearch() {
    if (!(dialog instanceof HTMLDialogElement) || typeof dialog.showModal !== 'function') return false;
    if (html.dataset.page === 'search') {
      var input = document.querySelector('main [data-search-input]');
      if (input instanceof HTMLElement) input.focus();
      return true;
    }
    if (!dialog.open) dialog.showModal();
    attachSearch(dialog.querySelector('[data-search]'));
    var field = dialog.querySelector('[data-search-input]');
    if (field instanceof HTMLElement) field.focus();
    return true;
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('[data-search-open]') : null;
    if (target && openSearch()) event.preventDefault();
  });

  /** Turn-level landmarks of a session page, in order. */
  function turns() {
    return Array.prototype.slice.call(document.querySelectorAll('main [data-turn], main .turn[id]'));
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey) return;
    var k = event.key;
    if ((k === 'k' || k === 'K') && (event.ctrlKey || event.metaKey)) {
      if (openSearch()) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    if (k === '/') {
      if (openSearch()) event.preventDefault();
    } else if ((k === 'j' || k === 'k') && html.dataset.page === 'session') {
      var list = turns();
      if (list.length === 0) return;
      var y = window.scrollY + 8;
      var index = -1;
      for (var i = 0; i < list.length; i++) if (list[i].getBoundingClientRect().top + window.scrollY <= y) index = i;
      var next = k === 'j' ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      var el = list[next];
      if (el) {
        if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
        el.scrollIntoView({ block: 'start' });
        el.focus({ preventScroll: true });
      }
    }
  });

  if (html.dataset.page === 'search') attachSearch(document.querySelector('main [data-search]'));
  if (document.querySelector('main pre, [data-copy]')) loadScript('copy');
})();
