// @ts-check
/**
 * Search for the dialog and the search page. Two back ends behind one interface:
 * - over http(s): Pagefind's JS API (`pagefind/pagefind.js`, loaded on first use);
 * - from file:// (where Chromium blocks Pagefind's module import and fetches): the offline
 *   index, classic scripts: `_assets/search-index.js` assigns `codexArchiveSearchIndex`, the list
 *   of its parts (`_assets/search-index/*.js`, one per half month), which each add their entries
 *   to `codexArchiveSearchParts`; searched here by word prefix. It holds each session's distinct words, capped (see
 *   src/integration/offline-index.ts), so very long sessions may miss rare late words offline.
 * Results are built with DOM calls only (no HTML strings from the index reach innerHTML).
 */
(function () {
  var html = document.documentElement;
  var rootUrl = new URL(html.dataset.root || './', location.href);

  /**
   * @typedef {{ url: string, title: string, date: string, project: string, excerpt: string }} Hit
   * @typedef {{ total: number, hits: Hit[] }} Found
   * @typedef {{ search(query: string, filters: Record<string, string>, sort: string, limit: number): Promise<Found>, warm?: () => void }} Backend
   */

  /** Same word rules as the build (offline-index.ts `words`). @param {string} text */
  function words(text) {
    return (
      text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .match(/[\p{L}\p{N}]{2,40}/gu) || []
    );
  }

  /**
   * Pagefind over http(s). The index is split into one shard per half month
   * (`pagefind/<yyyy-mm-1|2>/`, listed newest first in `pagefind/shards.json`, see
   * src/integration/pagefind.ts), each opened through its own copy of `pagefind.js`. Relevance
   * merges every shard's results by score; date sorts concatenate the shards in date order (each
   * shard sorts its own); a month or year filter searches only the shards it can match.
   * @returns {Promise<Backend>}
   */
  function pagefindBackend() {
    var listUrl = new URL('pagefind/shards.json', rootUrl).href;
    return fetch(listUrl)
      .then(function (r) {
        if (!r.ok) throw new Error('no search index');
        return r.json();
      })
      .then(function (list) {
      /** @type {string[]} */
      var names = list.shards || [];
      /** @type {Record<string, Promise<any>>} */
      var instances = {};
      // One Pagefind call at a time across shards (cheap, and nothing can interleave).
      /** @type {Promise<any>} */
      var queue = Promise.resolve();
      /** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
      function serial(fn) {
        var next = queue.then(fn, fn);
        queue = next.catch(function () {});
        return next;
      }
      /** @param {string} name */
      function instance(name) {
        if (!instances[name]) {
          // Each shard's own copy of the module: Pagefind instances created from ONE module share
          // state and mix up their shards (wasm traps, chunks fetched from the wrong folder).
          instances[name] = serial(function () {
            return import(new URL('pagefind/' + name + '/pagefind.js', rootUrl).href).then(function (pf) {
              return Promise.resolve(pf.options({ baseUrl: rootUrl.pathname, excerptLength: 24, noWorker: true }))
                .then(function () {
                  return pf.init();
                })
                .then(function () {
                  return pf;
                });
            });
          });
        }
        return instances[name];
      }
      return {
        // Opening every shard (its module, WebAssembly and metadata) is most of a first search's
        // time: at 20,000 sessions (36 shards) a first query took 4.1 s, 1.5 s once they were
        // open. Done as soon as a search box appears, the reader's first query only searches.
        // Newest shard first, in the same queue as searches; a failure shows when they search.
        warm: function () {
          names.forEach(function (n) {
            instance(n).catch(function () {});
          });
        },
        search: function (query, filters, sort, limit) {
          /** @type {any} */
          var opts = { filters: filters };
          if (sort === 'date-desc') opts.sort = { date: 'desc' };
          if (sort === 'date-asc') opts.sort = { date: 'asc' };
          var shards = names.filter(function (n) {
            if (filters.month) return n.slice(0, 7) === filters.month || (filters.month === 'undated' && n === 'undated');
            if (filters.year) return n.slice(0, 4) === filters.year || (filters.year === 'undated' && n === 'undated');
            return true;
          });
          if (sort === 'date-asc') shards = shards.slice().reverse();
          var term = query.trim() === '' ? null : query;
          return Promise.all(
            shards.map(function (n) {
              return instance(n).then(function (inst) {
                return serial(function () {
                  return inst.search(term, opts);
                }).then(function (/** @type {any} */ res) {
                  res.searchTerms = words(query);
                  res.results.forEach(function (/** @type {any} */ r) {
                    var data = r.data;
                    r.data = function () {
                      return serial(data);
                    };
                  });
                  return res;
                });
              });
            }),
          )
            .then(function (responses) {
              return term === null ? responses : Promise.all(responses.map(genuine));
            })
            .then(function (responses) {
            /** @type {any[]} */
            var results = [];
            responses.forEach(function (/** @type {any} */ res) {
              if (res) results = results.concat(res.results);
            });
            if (!opts.sort) {
              results.sort(function (a, b) {
                return b.score - a.score;
              });
            }
            return Promise.all(
              results.slice(0, limit).map(function (/** @type {any} */ r) {
                return r.data();
              }),
            ).then(function (data) {
              return {
                total: results.length,
                hits: data.map(function (/** @type {any} */ d) {
                  return {
                    url: urlOf(d),
                    title: (d.meta && d.meta.title) || d.url,
                    date: (d.meta && d.meta.date) || '',
                    // '(no project)' is a filter value (session-page.ts, NO_PROJECT), not a project.
                    project: ((d.filters && d.filters.project && d.filters.project[0]) || '').replace(/^\(no project\)$/, ''),
                    excerpt: excerptOf(d),
                  };
                }),
              };
            });
          });
        },
      };
    });
  }

  /** Words in an excerpt, as Pagefind's own (`excerptLength` in `options`). */
  var EXCERPT_WORDS = 24;

  /**
   * A Pagefind result's excerpt, kept out of the page's word digest: the hidden list of the
   * session's words, indexed last, whose word count the page gives as `digest` meta (see
   * src/integration/search-extra.ts). Pagefind may cut its excerpt from that list, a run of
   * unrelated words, even when the page shows the word. So the excerpt is taken around the first
   * match the page shows (`locations` index the words of `content`); with none, the result
   * names the words the list matched.
   * @param {any} d
   */
  function excerptOf(d) {
    var count = Number(d.meta && d.meta.digest);
    var locations = d.locations || [];
    if (!(count > 0) || !locations.length || typeof d.content !== 'string') return d.excerpt || '';
    var end = d.word_count - count;
    var shown = locations.filter(function (/** @type {number} */ at) {
      return at < end;
    });
    if (!shown.length) return foundWords(d.excerpt || '');
    var words = d.content.split(/\s+/);
    var from = Math.max(0, Math.min(shown[0] - Math.floor(EXCERPT_WORDS / 2), end - EXCERPT_WORDS));
    var to = Math.min(end, from + EXCERPT_WORDS);
    var parts = [];
    for (var i = from; i < to; i++) {
      var word = escapeText(words[i] || '');
      parts.push(shown.indexOf(i) >= 0 ? '<mark>' + word + '</mark>' : word);
    }
    return parts.join(' ');
  }

  /**
   * Where a Pagefind result opens: the turn that holds the first match the page shows, when
   * Pagefind knows it (its sub-results are the page's headings with an id: each turn's title),
   * else the top of the session. A long session is otherwise read from the top to find the match.
   * @param {any} d
   */
  function urlOf(d) {
    var first = firstShown(d);
    var subs = d.sub_results || [];
    if (first === null) return d.url;
    for (var i = 0; i < subs.length; i++) {
      var sub = subs[i];
      if (sub.anchor && (sub.locations || []).indexOf(first) >= 0 && sub.url) return sub.url;
    }
    return d.url;
  }

  /**
   * The first match a page shows (a word index into `content`), or null: none, or the digest
   * count unknown.
   * @param {any} d
   */
  function firstShown(d) {
    var count = Number(d.meta && d.meta.digest);
    var locations = (d.locations || []).filter(function (/** @type {number} */ at) {
      return at < d.word_count - count;
    });
    return count > 0 && locations.length ? Math.min.apply(null, locations) : null;
  }

  /** @param {string} text */
  function escapeText(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  /**
   * The words an excerpt marks, named as offline search names them, for a match that only the
   * page's hidden word list holds (a word of its header, such as the session's folder or thread
   * name, which the searchable body does not repeat). Text a page leaves out is in neither.
   * @param {string} excerpt
   */
  function foundWords(excerpt) {
    /** @type {string[]} */
    var seen = [];
    (excerpt.match(/<mark>[^<]*<\/mark>/g) || []).forEach(function (m) {
      if (seen.indexOf(m) < 0) seen.push(m);
    });
    return seen.length ? 'Found in this session: ' + seen.join(', ') : '';
  }

  /**
   * A shard's response, or null when it only has Pagefind's fallback matches. When no word of a
   * shard starts with a query word, Pagefind matches a short prefix of it instead ("z" for
   * "zanzibar"); alone in one index that rarely shows, across many month shards it would add
   * noise from every month without the word. The shard's best result decides: kept when one of
   * its marked words shares at least all but three letters (stemming) of a query word.
   * @param {any} res
   */
  function genuine(res) {
    if (!res.results.length || !res.searchTerms) return Promise.resolve(res);
    return res.results[0].data().then(function (/** @type {any} */ d) {
      var marked = ((d && d.excerpt) || '').match(/<mark>([^<]*)<\/mark>/g) || [];
      var ok = marked.some(function (/** @type {string} */ m) {
        var w = words(m.replace(/<\/?mark>/g, ''))[0] || '';
        return res.searchTerms.some(function (/** @type {string} */ t) {
          var n = 0;
          while (n < w.length && n < t.length && w[n] === t[n]) n++;
          return n >= Math.min(t.length, Math.max(3, t.length - 3));
        });
      });
      return ok || marked.length === 0 ? res : null;
    });
  }

  /** Loads a classic script; resolves once it ran. @param {string} rel */
  function loadScript(rel) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = new URL(rel, rootUrl).href;
      s.onload = function () {
        resolve(undefined);
      };
      s.onerror = function () {
        reject(new Error('the offline index could not be loaded (' + rel + ')'));
      };
      document.head.appendChild(s);
    });
  }

  /** @returns {Promise<Backend>} */
  function offlineBackend() {
    var w = /** @type {any} */ (window);
    var list = w.codexArchiveSearchIndex ? Promise.resolve() : loadScript('_assets/search-index.js');
    return list
      .then(function () {
        var index = w.codexArchiveSearchIndex;
        if (!index || !Array.isArray(index.parts)) throw new Error('the offline index is empty');
        return Promise.all(
          index.parts.map(function (/** @type {string} */ name) {
            return w.codexArchiveSearchParts && w.codexArchiveSearchParts[name] ? undefined : loadScript('_assets/search-index/' + name);
          }),
        ).then(function () {
          /** @type {any[]} */
          var entries = [];
          // In list order: newest part first, each newest first (src/integration/offline-index.ts).
          index.parts.forEach(function (/** @type {string} */ name) {
            var part = w.codexArchiveSearchParts && w.codexArchiveSearchParts[name];
            if (!part) throw new Error('the offline index is incomplete (' + name + ')');
            entries.push.apply(entries, part.entries);
          });
          return offlineSearch({ entries: entries });
        });
      });
  }

  /** @param {{ entries: { path: string, title: string, date: string, project: string, filters: Record<string, string[]>, text: string }[] }} index @returns {Backend} */
  function offlineSearch(index) {
    var prepared = index.entries.map(function (e) {
      return { e: e, titleWords: words(e.title + ' ' + e.project), textWords: e.text.split(' ') };
    });
    return {
      search: function (query, filters, sort, limit) {
        var terms = words(query);
        /** @type {{ p: (typeof prepared)[number], score: number, matched: string[] }[]} */
        var found = [];
        for (var i = 0; i < prepared.length; i++) {
          var p = /** @type {(typeof prepared)[number]} */ (prepared[i]);
          var ok = true;
          for (var name in filters) {
            var values = p.e.filters[name] || [];
            if (values.indexOf(filters[name] || '') === -1) ok = false;
          }
          if (!ok) continue;
          var score = 0;
          /** @type {string[]} */
          var matched = [];
          for (var t = 0; t < terms.length && ok; t++) {
            var term = terms[t] || '';
            var inTitle = p.titleWords.some(function (/** @type {string} */ w) {
              return w.indexOf(term) === 0;
            });
            var hit = p.textWords.find(function (/** @type {string} */ w) {
              return w.indexOf(term) === 0;
            });
            if (!inTitle && !hit) ok = false;
            else {
              score += (inTitle ? 3 : 0) + (hit === term ? 2 : hit ? 1 : 0);
              if (hit) matched.push(hit);
            }
          }
          if (ok) found.push({ p: p, score: score, matched: matched });
        }
        found.sort(function (a, b) {
          if (sort === 'date-asc') return a.p.e.date.localeCompare(b.p.e.date);
          if (sort === 'date-desc' || terms.length === 0) return b.p.e.date.localeCompare(a.p.e.date);
          return b.score - a.score || b.p.e.date.localeCompare(a.p.e.date);
        });
        return Promise.resolve({
          total: found.length,
          hits: found.slice(0, limit).map(function (f) {
            return {
              url: new URL(f.p.e.path + 'index.html', rootUrl).href,
              title: f.p.e.title,
              date: f.p.e.date,
              project: f.p.e.project,
              excerpt: f.matched.length ? 'Matches <mark>' + f.matched.join('</mark>, <mark>') + '</mark>' : '',
            };
          }),
        });
      },
    };
  }

  /** @type {Promise<Backend> | null} */
  var backend = null;
  function getBackend() {
    if (!backend) {
      backend =
        location.protocol === 'file:'
          ? offlineBackend()
          : pagefindBackend().catch(function () {
              // No Pagefind (e.g. a host that blocks WebAssembly): the offline index still works.
              return offlineBackend();
            });
    }
    return backend;
  }

  /** Appends an excerpt with <mark>s as DOM nodes; everything else is text. @param {HTMLElement} into @param {string} excerpt */
  function appendExcerpt(into, excerpt) {
    var doc = new DOMParser().parseFromString('<body>' + excerpt + '</body>', 'text/html');
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeName === 'MARK') {
        var m = document.createElement('mark');
        m.textContent = node.textContent;
        into.appendChild(m);
      } else into.appendChild(document.createTextNode(node.textContent || ''));
    });
  }

  /**
   * A session title with its code spans as <code>, as the pages show it (src/lib/render/title.ts
   * splits titles the same way; the browser test checks both on a demo title). Text nodes only.
   * @param {Element} into @param {string} title
   */
  function appendTitle(into, title) {
    // No lookbehind: a classic script with one fails whole in browsers without it (Safari < 16.4).
    var span = /(^|[^`])(`+)(?!`)([\s\S]*?[^`])\2(?!`)/g;
    var at = 0;
    /** @param {string} text @param {boolean} code */
    function add(text, code) {
      if (!text) return;
      if (!code) return void into.appendChild(document.createTextNode(text));
      var c = document.createElement('code');
      c.textContent = text.length > 2 && text[0] === ' ' && text[text.length - 1] === ' ' && text.trim() ? text.slice(1, -1) : text;
      into.appendChild(c);
    }
    for (var m = span.exec(title); m; m = span.exec(title)) {
      add(title.slice(at, m.index + (m[1] || '').length), false);
      add(m[3] || '', true);
      at = m.index + m[0].length;
    }
    var rest = title.slice(at);
    var open = rest.slice(-1) === '…' ? /(^|[^`])(`+)(?!`)/.exec(rest) : null;
    var from = open ? open.index + (open[1] || '').length : 0;
    var ticks = open ? (open[2] || '').length : 0;
    if (open && from + ticks < rest.length - 1) {
      add(rest.slice(0, from), false);
      add(rest.slice(from + ticks, -1), true);
      add('…', false);
    } else add(rest, false);
  }

  /** @param {string} iso */
  function shortDate(iso) {
    return iso ? iso.slice(0, 10) : '';
  }

  /** @param {Element} box */
  function attach(box) {
    if (!(box instanceof HTMLElement) || box.dataset.searchReady) return;
    box.dataset.searchReady = 'true';
    // Load the index while the reader types (a failure shows when they search).
    getBackend()
      .then(function (b) {
        if (b.warm) b.warm();
      })
      .catch(function () {});
    var input = box.querySelector('[data-search-input]');
    var status = box.querySelector('[data-search-status]');
    var list = box.querySelector('[data-search-results]');
    var sortSelect = box.querySelector('[data-search-sort]');
    var filterSelects = Array.prototype.slice.call(box.querySelectorAll('[data-search-filter]'));
    var form = box.querySelector('[data-search-form]');
    var limit = Number(box.dataset.searchLimit || '20');
    if (!(input instanceof HTMLInputElement) || !status || !list) return;
    var field = input;
    var out = list;
    var say = status;
    var run = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    var timer;

    if (form) form.addEventListener('submit', function (e) {
      e.preventDefault();
      update();
    });

    function update() {
      var query = field.value;
      /** @type {Record<string, string>} */
      var filters = {};
      filterSelects.forEach(function (/** @type {HTMLSelectElement} */ s) {
        if (s.value) filters[s.dataset.searchFilter || s.name] = s.value;
      });
      var sort = sortSelect instanceof HTMLSelectElement ? sortSelect.value : 'relevance';
      remember(query, filters, sort);
      if (query.trim() === '' && Object.keys(filters).length === 0) {
        out.replaceChildren();
        say.textContent = 'Type words to search the transcripts.';
        return;
      }
      var mine = ++run;
      say.textContent = 'Searching…';
      getBackend()
        .then(function (b) {
          return b.search(query, filters, sort, limit);
        })
        .then(function (found) {
          if (mine !== run) return;
          out.replaceChildren();
          found.hits.forEach(function (hit) {
            var li = document.createElement('li');
            var a = document.createElement('a');
            a.href = hit.url;
            appendTitle(a, hit.title);
            li.appendChild(a);
            var meta = document.createElement('div');
            meta.className = 'result-meta';
            if (hit.date) {
              var time = document.createElement('time');
              time.dateTime = hit.date;
              time.textContent = shortDate(hit.date);
              meta.appendChild(time);
            }
            if (hit.project) meta.appendChild(document.createTextNode((hit.date ? ' · ' : '') + hit.project));
            li.appendChild(meta);
            if (hit.excerpt) {
              var p = document.createElement('p');
              appendExcerpt(p, hit.excerpt);
              li.appendChild(p);
            }
            out.appendChild(li);
          });
          var shown = found.hits.length < found.total ? ' (showing ' + found.hits.length + ')' : '';
          say.textContent =
            found.total === 0 ? 'No sessions match.' : found.total + (found.total === 1 ? ' session' : ' sessions') + shown + '.';
        })
        .catch(function (/** @type {Error} */ error) {
          if (mine !== run) return;
          say.textContent = 'Search is unavailable: ' + error.message + '.';
        });
    }

    /**
     * The search page keeps its query, filters and order in its address, so Back from a result
     * (and a bookmark or a shared link) shows the same search again. The dialog does not: it
     * opens over other pages.
     */
    function remember(/** @type {string} */ query, /** @type {Record<string, string>} */ filters, /** @type {string} */ sort) {
      if (!form) return;
      var params = new URLSearchParams();
      if (query.trim()) params.set('q', query);
      Object.entries(filters).forEach(function (entry) {
        params.set(entry[0], entry[1]);
      });
      if (sort && sort !== 'relevance') params.set('sort', sort);
      var url = new URL(location.href);
      url.search = params.toString();
      if (url.href === location.href) return;
      try {
        history.replaceState(history.state, '', url.href);
      } catch (e) {
        // Some browsers refuse to change the address of a page opened from disk; nothing is lost.
      }
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    }
    field.addEventListener('input', schedule);
    // Arrow keys move from the field through the results and back (Enter opens the focused one).
    box.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      var links = Array.prototype.slice.call(out.querySelectorAll('li > a'));
      var at = links.indexOf(document.activeElement);
      if (!links.length || (at < 0 && document.activeElement !== field)) return;
      var next = e.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : at - 1;
      e.preventDefault();
      (next < 0 ? field : links[next]).focus();
    });
    filterSelects.concat(sortSelect ? [sortSelect] : []).forEach(function (/** @type {Element} */ s) {
      s.addEventListener('change', update);
    });
    var params = new URLSearchParams(location.search);
    if (params.get('q') && field.value === '') field.value = params.get('q') || '';
    if (form) {
      filterSelects.concat(sortSelect ? [sortSelect] : []).forEach(function (/** @type {HTMLSelectElement} */ s) {
        var wanted = params.get(s === sortSelect ? 'sort' : s.dataset.searchFilter || s.name);
        if (wanted && Array.prototype.some.call(s.options, function (/** @type {HTMLOptionElement} */ o) { return o.value === wanted; })) s.value = wanted;
      });
    }
    if (field.value || (form && params.toString())) update();
  }

  /** @type {any} */ (window).codexArchiveSearch = { attach: attach };
})();
