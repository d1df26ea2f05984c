// gaztag review: the script every page of an output folder shares (docs/review.md).
// On a document's page: tooltip, entity panel and card, filters, search, keyboard navigation,
// decisions. On every page (the index too): the decisions store, export and import.
// Decisions live in localStorage under 'gaztag:RUN:' (RUN from <body data-run>):
//   doc:NAME  -> {document, reviewed, decisions: {"START-END": decision}}
//   rules     -> [{scope: "entity"|"spelling", decision, type, entity, text}]
//   filters   -> the filter settings, shared by the pages of the run
// The export format is documented in docs/decisions.md.
(function () {
  'use strict';
  var body = document.body;
  var RUN = body.getAttribute('data-run') || 'default';
  var PREFIX = 'gaztag:' + RUN + ':';
  var TYPES = ['PER', 'LOC', 'ORG'];
  var MATCHES = ['exact', 'fuzzy', 'alias', 'composed', 'demonym'];
  var DECISIONS = ['accept', 'reject', 'add'];

  // ---- small helpers
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  // code points, as the annotations count characters (a JS string counts UTF-16 units)
  function cps(s) { return Array.from(s).length; }
  // a light Arabic folding for search and comparisons: no diacritics or tatweel, one alef,
  // ى as ي, ة as ه, Latin in lower case
  function fold(s) {
    return s.replace(/[\u064B-\u065F\u0670\u0640\u200C-\u200F]/g, '')
      .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627').replace(/\u0649/g, '\u064A')
      .replace(/\u0629/g, '\u0647').toLowerCase();
  }
  function foldMap(s) {
    // the folded string and, for each of its UTF-16 units, the index in s it came from
    var out = '', map = [];
    for (var i = 0; i < s.length; i++) {
      var f = fold(s[i]);
      for (var j = 0; j < f.length; j++) { out += f[j]; map.push(i); }
    }
    map.push(s.length);
    return { text: out, map: map };
  }
  function wikidataUrl(q) { return 'https://www.wikidata.org/wiki/' + encodeURIComponent(q); }
  function geonamesUrl(g) { return 'https://www.geonames.org/' + encodeURIComponent(g); }
  function sourceOf(m) {
    if (m.source) return String(m.source);
    if (m.file) return m.line ? m.file + ':' + m.line : String(m.file);
    return null;
  }

  // ---- the decisions store
  var warned = false;
  var store = {
    get: function (key, dflt) {
      try {
        var v = localStorage.getItem(PREFIX + key);
        return v === null ? dflt : JSON.parse(v);
      } catch (e) { return dflt; }
    },
    set: function (key, value) {
      try { localStorage.setItem(PREFIX + key, JSON.stringify(value)); return true; } catch (e) {
        if (!warned) { warned = true; alert('gaztag review: this browser does not keep the decisions (' + e + '). Export them before leaving the page.'); }
        return false;
      }
    },
    remove: function (key) { try { localStorage.removeItem(PREFIX + key); } catch (e) { /* nothing kept */ } },
    keys: function (prefix) {
      var out = [];
      try {
        for (var i = 0; i < localStorage.length; i++) {
          var k = localStorage.key(i);
          if (k && k.indexOf(PREFIX + prefix) === 0) out.push(k.slice(PREFIX.length));
        }
      } catch (e) { /* nothing kept */ }
      return out.sort();
    }
  };
  function docRecord(name) {
    var r = store.get('doc:' + name, null);
    if (!r || typeof r !== 'object') r = {};
    r.document = name;
    r.reviewed = !!r.reviewed;
    if (!r.decisions || typeof r.decisions !== 'object') r.decisions = {};
    return r;
  }
  function saveDoc(r) {
    if (!r.reviewed && Object.keys(r.decisions).length === 0) store.remove('doc:' + r.document);
    else store.set('doc:' + r.document, r);
  }
  function rules() { var r = store.get('rules', []); return Array.isArray(r) ? r : []; }
  function ruleFor(list, m) {
    var hit = null;
    list.forEach(function (r) {
      if (r.entity === m.entity && r.type === m.type &&
          (r.scope === 'entity' || (r.scope === 'spelling' && fold(r.text || '') === fold(m.text)))) hit = r;
    });
    return hit;
  }

  // The decisions of the whole run, as one JSON value (docs/decisions.md).
  function exportDecisions() {
    var out = { gaztag_decisions: 1, run: RUN, exported: new Date().toISOString(),
                reviewed: [], decisions: [], rules: rules() };
    store.keys('doc:').forEach(function (k) {
      var r = docRecord(k.slice(4));
      if (r.reviewed) out.reviewed.push(r.document);
      Object.keys(r.decisions).forEach(function (span) {
        var d = r.decisions[span];
        if (d && DECISIONS.indexOf(d.decision) >= 0) out.decisions.push(d);
      });
    });
    out.decisions.sort(function (a, b) {
      return a.document < b.document ? -1 : a.document > b.document ? 1 : a.start - b.start || a.end - b.end;
    });
    return out;
  }
  function download(name, text) {
    var a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  // Merges an exported file into the store: its decisions replace those on the same spans, its
  // rules are added, its reviewed documents marked. Returns the number of decisions read.
  function importDecisions(data) {
    if (!data || data.gaztag_decisions !== 1 || !Array.isArray(data.decisions)) {
      throw new Error('not a gaztag decisions file (version 1)');
    }
    var docs = {};
    function rec(name) { return docs[name] || (docs[name] = docRecord(name)); }
    data.decisions.forEach(function (d) {
      if (!d || typeof d.document !== 'string' || DECISIONS.indexOf(d.decision) < 0) return;
      rec(d.document).decisions[d.start + '-' + d.end] = d;
    });
    (data.reviewed || []).forEach(function (name) { if (typeof name === 'string') rec(name).reviewed = true; });
    Object.keys(docs).forEach(function (k) { saveDoc(docs[k]); });
    var list = rules();
    (data.rules || []).forEach(function (r) { if (r && r.entity) list = addRule(list, r); });
    store.set('rules', list);
    return data.decisions.length;
  }
  function addRule(list, rule) {
    list = list.filter(function (r) {
      return !(r.entity === rule.entity && r.type === rule.type && r.scope === rule.scope &&
               (r.scope === 'entity' || fold(r.text || '') === fold(rule.text || '')));
    });
    if (rule.decision) list.push(rule);
    return list;
  }
  function progress(name, mentions) {
    var r = docRecord(name);
    return { reviewed: r.reviewed, decided: Object.keys(r.decisions).length, mentions: mentions };
  }

  // Export and import buttons, for the toolbar of any page.
  function storeButtons() {
    var file = el('input', { type: 'file', accept: '.json,application/json', hidden: true });
    file.addEventListener('change', function () {
      var f = file.files[0];
      if (!f) return;
      f.text().then(function (t) {
        try {
          var n = importDecisions(JSON.parse(t));
          alert('Imported ' + n + ' decisions from ' + f.name + '.');
          location.reload();
        } catch (e) { alert(f.name + ': ' + e.message); }
      });
    });
    return [
      el('button', { type: 'button', id: 'export', title: 'Download every decision of this run as one JSON file',
        onclick: function () { download('decisions.json', JSON.stringify(exportDecisions(), null, 1) + '\n'); } },
        ['Export decisions']),
      el('button', { type: 'button', id: 'import', title: 'Read a decisions file exported before',
        onclick: function () { file.click(); } }, ['Import']),
      file
    ];
  }

  // Filter settings, shared by the pages of a run.
  var FILTER_DEFAULTS = { types: TYPES.slice(), matches: MATCHES.slice(), min: '', max: '', entity: '', show: 'all' };
  function loadFilters() {
    var f = store.get('filters', {}) || {};
    var out = {};
    Object.keys(FILTER_DEFAULTS).forEach(function (k) {
      out[k] = f[k] !== undefined ? f[k] : (Array.isArray(FILTER_DEFAULTS[k]) ? FILTER_DEFAULTS[k].slice() : FILTER_DEFAULTS[k]);
    });
    return out;
  }
  // The filter controls; `changed(filters)` is called after each change.
  function filterControls(filters, changed, withShow) {
    function save() { store.set('filters', filters); changed(filters); }
    function boxes(list, key, label) {
      return el('span', { class: 'group', role: 'group', 'aria-label': label }, list.map(function (v) {
        var box = el('input', { type: 'checkbox', 'data-filter': key, value: v });
        box.checked = filters[key].indexOf(v) >= 0;
        box.addEventListener('change', function () {
          filters[key] = list.filter(function (x) {
            var b = box.parentNode.parentNode.querySelector('input[value="' + x + '"]');
            return b && b.checked;
          });
          save();
        });
        return el('label', { class: 'opt ' + v }, [box, ' ' + v]);
      }));
    }
    function num(key, ph) {
      var i = el('input', { type: 'number', min: '0', max: '1', step: '0.05', placeholder: ph, 'data-filter': key, class: 'score' });
      i.value = filters[key];
      i.addEventListener('input', function () { filters[key] = i.value; save(); });
      return i;
    }
    var ent = el('input', { type: 'search', placeholder: 'entity', 'data-filter': 'entity', class: 'entity', 'aria-label': 'entity' });
    ent.value = filters.entity;
    ent.addEventListener('input', function () { filters.entity = ent.value; save(); });
    var parts = [boxes(TYPES, 'types', 'types'), boxes(MATCHES, 'matches', 'match kinds'),
      el('span', { class: 'group' }, ['score ', num('min', '0'), '–', num('max', '1')]), ent];
    if (withShow) {
      var show = el('select', { 'data-filter': 'show', 'aria-label': 'decisions' },
        ['all', 'undecided', 'accepted', 'rejected'].map(function (v) { return el('option', { value: v }, [v]); }));
      show.value = filters.show;
      show.addEventListener('change', function () { filters.show = show.value; save(); });
      parts.push(show);
    }
    parts.push(el('button', { type: 'button', class: 'reset', onclick: function () {
      Object.keys(FILTER_DEFAULTS).forEach(function (k) {
        filters[k] = Array.isArray(FILTER_DEFAULTS[k]) ? FILTER_DEFAULTS[k].slice() : FILTER_DEFAULTS[k];
      });
      store.set('filters', filters);
      location.reload();
    } }, ['reset']));
    return el('span', { class: 'filters' }, parts);
  }
  // Does a mention (or an index entity: {type, match counts, score range}) pass the filters?
  function scoreIn(filters, lo, hi) {
    var min = filters.min === '' ? null : Number(filters.min);
    var max = filters.max === '' ? null : Number(filters.max);
    if (lo === undefined || lo === null) return true; // no score: not filtered out by one
    return (min === null || hi >= min) && (max === null || lo <= max);
  }
  function entityMatches(filters, id, name) {
    var q = fold(filters.entity.trim());
    return !q || fold(id).indexOf(q) >= 0 || fold(name || '').indexOf(q) >= 0;
  }

  window.gaztag = {
    run: RUN, store: store, fold: fold, foldMap: foldMap, cps: cps, el: el,
    exportDecisions: exportDecisions, importDecisions: importDecisions, docRecord: docRecord,
    progress: progress, storeButtons: storeButtons, loadFilters: loadFilters,
    filterControls: filterControls, scoreIn: scoreIn, entityMatches: entityMatches,
    wikidataUrl: wikidataUrl, geonamesUrl: geonamesUrl, TYPES: TYPES, MATCHES: MATCHES
  };
  if (!body.classList.contains('doc')) return;

  // ================= a document's page =================
  var NAME = body.getAttribute('data-document');
  // the mentions, expanded from the page's compact JSON (html.rs: page_json)
  var M = [], marks = [];
  (function () {
    var data = { entities: [], mentions: [] };
    try { data = JSON.parse(document.getElementById('gaztag-mentions').textContent); } catch (e) { /* none */ }
    data.mentions.forEach(function (row, i) {
      var ent = data.entities[row[0]], more = row[3] || {};
      var mk = document.getElementById('m' + i);
      var text = mk ? mk.textContent : '';
      var m = { type: ent[0], entity: ent[1], name: ent[2], start: row[1], end: row[2], text: text,
                variant: more.v || text, match: more.m || 'exact' };
      if (more.p) m.prefix = more.p;
      if (more.c !== undefined) m.cost = more.c;
      if (more.f) m.form = more.f;
      if (more.a) m.candidates = more.a.map(function (c) { return { type: c[0], entity: c[1], name: c[2] }; });
      ['score', 'wikidata', 'geonames', 'source', 'file', 'line'].forEach(function (k) { if (more[k] !== undefined) m[k] = more[k]; });
      M.push(m);
      marks.push(mk);
      if (mk) mk.tabIndex = 0;
    });
  })();
  var main = document.getElementById('text');
  var tip = document.getElementById('tip');
  var card = document.getElementById('card');
  var tools = document.getElementById('tools');
  var filters = loadFilters();
  var record = docRecord(NAME);
  var ruleList = rules();
  var status = el('span', { class: 'status', id: 'status', 'aria-live': 'polite' });

  function key(m) { return m.start + '-' + m.end; }
  function kindOf(m) { return m.form === 'demonym' ? 'demonym' : m.match; }
  // the decision in force for mention i: its own, else a rule's, else none
  function effective(i) {
    var m = M[i];
    var own = record.decisions[key(m)];
    if (own && (own.decision === 'accept' || own.decision === 'reject')) return own;
    var r = ruleFor(ruleList, m);
    if (r) return { decision: r.decision, type: m.type, entity: m.entity, by: r.scope };
    return null;
  }
  function was(m) {
    var w = { type: m.type, entity: m.entity, name: m.name, variant: m.variant, match: m.match };
    if (m.form) w.form = m.form;
    if (m.prefix) w.prefix = m.prefix;
    if (m.score !== undefined) w.score = m.score;
    if (sourceOf(m)) w.source = sourceOf(m);
    return w;
  }
  function decisionRecord(i, decision, by, choice) {
    var m = M[i];
    var c = choice || m;
    return { document: NAME, start: m.start, end: m.end, text: m.text, decision: decision,
             type: c.type, entity: c.entity, name: c.name, by: by, was: was(m) };
  }
  function save() { saveDoc(record); }

  // ---- decisions on one mention, on an entity, on a spelling
  function decide(i, decision, choice) {
    var k = key(M[i]);
    if (!decision) delete record.decisions[k];
    else record.decisions[k] = decisionRecord(i, decision, 'mention', choice);
    save();
    paintAll();
  }
  function decideAll(i, decision, scope) {
    var m = M[i];
    var rule = { scope: scope, decision: decision, type: m.type, entity: m.entity, name: m.name, was: was(m) };
    if (scope === 'spelling') rule.text = m.text;
    ruleList = addRule(rules(), rule);
    store.set('rules', ruleList);
    // the mentions it covers here follow it: their own decisions give way
    M.forEach(function (x, j) {
      if (x.entity === m.entity && x.type === m.type && (scope === 'entity' || fold(x.text) === fold(m.text))) {
        delete record.decisions[key(x)];
      }
    });
    save();
    paintAll();
  }
  // Marks the document reviewed: every mention's decision in force is written down as its own
  // (an undecided one is accepted), so the export holds the whole document.
  function setReviewed(on) {
    if (on) {
      M.forEach(function (m, i) {
        var k = key(m);
        var own = record.decisions[k];
        if (own && (own.decision === 'accept' || own.decision === 'reject')) return;
        var e = effective(i);
        record.decisions[k] = decisionRecord(i, e ? e.decision : 'accept', e ? e.by : 'document');
      });
    }
    record.reviewed = on;
    save();
    paintAll();
  }

  // ---- spans the reviewer adds (missed mentions)
  function textRangeAt(p, from, to) {
    // a DOM range over characters [from, to) of paragraph p (offsets from its start)
    var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    var at = 0, range = document.createRange(), node, started = false;
    while ((node = walker.nextNode())) {
      var chars = Array.from(node.data), n = chars.length;
      if (!started && from < at + n) {
        range.setStart(node, chars.slice(0, from - at).join('').length);
        started = true;
      }
      if (started && to <= at + n) {
        range.setEnd(node, chars.slice(0, to - at).join('').length);
        return range;
      }
      at += n;
    }
    return null;
  }
  function paragraphOf(node) {
    while (node && node !== main) {
      if (node.nodeName === 'P' && node.hasAttribute('data-s')) return node;
      node = node.parentNode;
    }
    return null;
  }
  // Does the range (characters start..end of the text) overlap a mark it may not hold? An
  // added span may hold whole mentions that are rejected (a name the tagger cut short: reject
  // its part, add the whole), nothing else. The range is widened to hold those marks whole.
  function overlapsMark(range, start, end) {
    var held = [];
    var blocked = Array.prototype.some.call(main.querySelectorAll('mark.m'), function (m) {
      if (!range.intersectsNode(m)) return false;
      var i = indexOf(m);
      if (i === null) return true;
      var e = effective(i);
      var ok = start <= M[i].start && M[i].end <= end && e && e.decision === 'reject';
      if (ok) held.push(m);
      return !ok;
    });
    if (blocked) return true;
    held.forEach(function (m) {
      if (m.contains(range.startContainer)) range.setStartBefore(m);
      if (m.contains(range.endContainer)) range.setEndAfter(m);
    });
    return false;
  }
  function renderAdded(d) {
    var ps = main.querySelectorAll('p[data-s]');
    for (var i = ps.length - 1; i >= 0; i--) {
      var s = Number(ps[i].getAttribute('data-s'));
      if (s <= d.start) {
        var r = textRangeAt(ps[i], d.start - s, d.end - s);
        if (!r || r.toString() !== d.text || overlapsMark(r, d.start, d.end)) return null;
        var m = el('mark', { class: 'm added ' + d.type, id: 'a' + d.start + '-' + d.end, tabindex: '0',
                             title: d.type + ' (added)', 'data-added': key(d) });
        m.appendChild(r.extractContents());
        r.insertNode(m);
        hookMark(m);
        return m;
      }
    }
    return null;
  }
  function addSelection(type) {
    var sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return false;
    var range = sel.getRangeAt(0);
    var p = paragraphOf(range.startContainer);
    if (!p || p !== paragraphOf(range.endContainer)) { say('select text inside one paragraph'); return false; }
    var before = document.createRange();
    before.setStart(p, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var text = range.toString();
    var lead = text.length - text.replace(/^\s+/, '').length;
    var trimmed = text.trim();
    if (!trimmed) return false;
    var start = Number(p.getAttribute('data-s')) + cps(before.toString()) + cps(text.slice(0, lead));
    var d = { document: NAME, start: start, end: start + cps(trimmed), text: trimmed, decision: 'add',
              type: type, entity: '', name: trimmed, by: 'mention' };
    if (overlapsMark(range.cloneRange(), d.start, d.end)) {
      say('the selection overlaps a mention: reject it first (a rejected mention may lie inside an added one)');
      return false;
    }
    record.decisions[key(d)] = d;
    save();
    sel.removeAllRanges();
    var m = renderAdded(d);
    paintAll();
    if (m) m.focus();
    return true;
  }

  // ---- painting: decision classes, filters, counts
  function passes(i) {
    var m = M[i];
    if (filters.types.indexOf(m.type) < 0) return false;
    if (filters.matches.indexOf(kindOf(m)) < 0) return false;
    if (!scoreIn(filters, m.score, m.score)) return false;
    if (!entityMatches(filters, m.entity, m.name)) return false;
    var e = effective(i);
    if (filters.show === 'undecided' && e) return false;
    if (filters.show === 'accepted' && !(e && e.decision === 'accept')) return false;
    if (filters.show === 'rejected' && !(e && e.decision === 'reject')) return false;
    return true;
  }
  function paintAll() {
    var shown = 0, decided = 0;
    M.forEach(function (m, i) {
      var mk = marks[i];
      if (!mk) return;
      var e = effective(i);
      mk.classList.toggle('dec-accept', !!e && e.decision === 'accept');
      mk.classList.toggle('dec-reject', !!e && e.decision === 'reject');
      mk.classList.toggle('dec-other', !!e && e.decision === 'accept' && (e.entity !== m.entity || e.type !== m.type));
      mk.classList.toggle('by-rule', !!e && e.by !== 'mention');
      var ok = passes(i);
      mk.classList.toggle('out', !ok);
      if (ok) shown++;
      if (e) decided++;
    });
    main.querySelectorAll('mark.added').forEach(function (mk) {
      var ok = filters.types.indexOf(record.decisions[mk.getAttribute('data-added')].type) >= 0 &&
        (filters.show === 'all' || filters.show === 'accepted');
      mk.classList.toggle('out', !ok);
    });
    document.querySelectorAll('a.ent').forEach(function (a) {
      var any = a.getAttribute('data-mentions').split(' ').some(function (id) { return passes(Number(id.slice(1))); });
      a.parentNode.hidden = !any;
    });
    document.querySelectorAll('#panel h3').forEach(function (h) {
      var list = h.nextElementSibling;
      h.hidden = !!list && !list.querySelector('li:not([hidden])');
    });
    var added = main.querySelectorAll('mark.added').length;
    status.textContent = shown + ' of ' + M.length + ' shown · ' + decided + ' decided' +
      (added ? ' · ' + added + ' added' : '') + (record.reviewed ? ' · reviewed' : '');
    reviewedBox.checked = record.reviewed;
    if (current !== null && !tip.hidden && tip.classList.contains('pinned')) show(current, true);
  }
  function say(msg) { status.textContent = msg; }

  // ---- tooltip
  var ROWS = ['type', 'entity', 'name', 'variant', 'prefix', 'match', 'cost', 'score', 'form', 'candidates', 'chars', 'source'];
  var current = null; // the mark focused or last visited
  function indexOf(mk) { return mk && mk.id.charAt(0) === 'm' ? Number(mk.id.slice(1)) : null; }
  function links(m) {
    var out = [];
    if (m.wikidata) out.push(el('a', { href: wikidataUrl(m.wikidata), target: '_blank', rel: 'noopener', class: 'out-link' }, ['Wikidata ' + m.wikidata]));
    if (m.geonames) out.push(el('a', { href: geonamesUrl(m.geonames), target: '_blank', rel: 'noopener', class: 'out-link' }, ['GeoNames ' + m.geonames]));
    return out;
  }
  function actionButtons(i) {
    var m = M[i];
    var b = function (label, title, f) { return el('button', { type: 'button', title: title, onclick: f }, [label]); };
    var row1 = el('div', { class: 'acts' }, [
      b('✓ accept', 'accept this mention (a)', function () { decide(i, 'accept'); }),
      b('✗ reject', 'reject this mention (r)', function () { decide(i, 'reject'); }),
      b('clear', 'forget the decision on this mention (u)', function () { decide(i, null); })
    ]);
    var row2 = el('div', { class: 'acts' }, [
      el('span', { class: 'lab' }, ['every ']),
      b('✓ entity', 'accept every mention of ' + m.entity + ', in every document (A)', function () { decideAll(i, 'accept', 'entity'); }),
      b('✗ entity', 'reject every mention of ' + m.entity + ', in every document (R)', function () { decideAll(i, 'reject', 'entity'); }),
      b('✓ spelling', 'accept every mention of ' + m.entity + ' spelled ' + m.text + ' (w)', function () { decideAll(i, 'accept', 'spelling'); }),
      b('✗ spelling', 'reject every mention of ' + m.entity + ' spelled ' + m.text + ' (W)', function () { decideAll(i, 'reject', 'spelling'); })
    ]);
    var out = [row1, row2];
    if (m.candidates) {
      out.push(el('div', { class: 'acts' }, [el('span', { class: 'lab' }, ['is ']) ].concat(m.candidates.map(function (c) {
        return b(c.type + ' ', 'accept it as ' + c.entity, function () { decide(i, 'accept', c); });
      }).map(function (btn, k) {
        var c = m.candidates[k];
        btn.appendChild(el('bdi', {}, [c.entity]));
        btn.classList.toggle('chosen', !!record.decisions[key(m)] && record.decisions[key(m)].entity === c.entity);
        return btn;
      }))));
    }
    return out;
  }
  function show(mk, pinned) {
    var table = el('table');
    var i = indexOf(mk);
    var tr = function (k, v) {
      var row = table.insertRow();
      row.appendChild(el('th', { text: k }));
      var td = row.insertCell();
      if (typeof v === 'string') td.appendChild(el('bdi', { text: v })); else v.forEach(function (x) { td.appendChild(x); td.appendChild(document.createTextNode(' ')); });
    };
    if (i === null) {
      var d = record.decisions[mk.getAttribute('data-added')];
      tr('type', d.type);
      tr('text', d.text);
      tr('decision', 'added by the reviewer');
      tr('chars', d.start + '–' + d.end);
      tip.replaceChildren(table);
      if (pinned) tip.appendChild(el('div', { class: 'acts' }, [el('button', { type: 'button', onclick: function () {
        delete record.decisions[key(d)]; save(); var t = mk.textContent; mk.replaceWith(document.createTextNode(t)); main.normalize(); hide(true); paintAll();
      } }, ['remove'])]));
    } else {
      var m = M[i];
      ROWS.forEach(function (k) {
        var v = m[k];
        if (k === 'prefix' && v) return tr('clitic', v);
        if (k === 'chars') return tr('chars', m.start + '–' + m.end);
        if (k === 'source') { var s = sourceOf(m); if (s) tr('gazetteer', s); return; }
        if (k === 'candidates') {
          if (v) tr('also', v.filter(function (c) { return c.entity !== m.entity || c.type !== m.type; })
            .map(function (c) { return c.type + ' ' + c.entity + ' (' + c.name + ')'; }).join('; '));
          return;
        }
        if (k === 'score' && v !== undefined) return tr('score', Number(v).toFixed(3));
        if (v !== undefined && v !== null && v !== '') tr(k, String(v));
      });
      var l = links(m);
      if (l.length) tr('links', l);
      var e = effective(i);
      tr('decision', e ? e.decision + (e.by !== 'mention' ? ' (every ' + e.by + ')' : '') +
        (e.entity !== m.entity ? ' as ' + e.entity : '') : 'none');
      tip.replaceChildren(table);
      if (pinned) actionButtons(i).forEach(function (x) { tip.appendChild(x); });
    }
    tip.classList.toggle('pinned', !!pinned);
    tip.hidden = false;
    var r = mk.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = r.left + r.width / 2 - width / 2;
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
    tip.style.left = (left + window.scrollX) + 'px';
    tip.style.top = (r.bottom + window.scrollY + 8) + 'px';
  }
  function hide(force) {
    if (!force && tip.classList.contains('pinned')) return;
    tip.hidden = true;
    tip.classList.remove('pinned');
  }
  function hookMark(mk) {
    mk.removeAttribute('title'); // the tooltip replaces the browser's own
    mk.addEventListener('mouseenter', function () { if (!tip.classList.contains('pinned')) show(mk, false); });
    mk.addEventListener('mouseleave', function () { hide(false); });
    mk.addEventListener('focus', function () { current = mk; show(mk, true); });
    mk.addEventListener('click', function (ev) { ev.stopPropagation(); current = mk; show(mk, true); });
  }
  marks.forEach(function (mk) { if (mk) hookMark(mk); });
  document.addEventListener('mousedown', function (ev) {
    if (!tip.contains(ev.target) && !(ev.target.closest && ev.target.closest('mark.m'))) hide(true);
  });

  // ---- the side panel: each entry jumps to its entity's next mention, cycling
  var entries = document.querySelectorAll('a.ent');
  var at = new Map();
  function clear() {
    document.querySelectorAll('mark.sel, mark.current').forEach(function (m) {
      m.classList.remove('sel', 'current');
    });
    entries.forEach(function (e) {
      e.classList.remove('active');
      e.querySelector('.pos').textContent = '';
    });
    card.hidden = true;
  }
  function showCard(i) {
    var m = M[i];
    var ids = M.map(function (x, j) { return x.entity === m.entity && x.type === m.type ? j : -1; })
      .filter(function (j) { return j >= 0; });
    var acc = 0, rej = 0;
    ids.forEach(function (j) { var e = effective(j); if (e && e.decision === 'accept') acc++; if (e && e.decision === 'reject') rej++; });
    var src = sourceOf(m);
    card.replaceChildren.apply(card, [
      el('div', { class: 'ct ' + m.type }, [el('span', { class: 'chip ' + m.type, text: m.type }), ' ', el('bdi', { class: 'nm', text: m.name })]),
      el('div', { class: 'cid' }, [el('bdi', { class: 'id', text: m.entity })]),
      el('div', { class: 'cn' }, [ids.length + ' here · ' + acc + ' accepted · ' + rej + ' rejected']),
      src ? el('div', { class: 'cn' }, ['gazetteer ', el('bdi', { class: 'src', text: src })]) : null,
      el('div', { class: 'cl' }, links(m)),
      el('div', { class: 'acts' }, [
        el('button', { type: 'button', title: 'accept every mention of this entity, in every document', onclick: function () { decideAll(i, 'accept', 'entity'); showCard(i); } }, ['✓ all']),
        el('button', { type: 'button', title: 'reject every mention of this entity, in every document', onclick: function () { decideAll(i, 'reject', 'entity'); showCard(i); } }, ['✗ all']),
        el('button', { type: 'button', title: 'show only this entity (on every page)', onclick: function () { filters.entity = m.entity; store.set('filters', filters); var f = tools.querySelector('input.entity'); if (f) f.value = m.entity; paintAll(); } }, ['only this'])
      ])].filter(function (x) { return x; }));
    card.hidden = false;
  }
  function select(entry, k, scroll) {
    var ids = entry.getAttribute('data-mentions').split(' ');
    clear();
    ids.forEach(function (id) { document.getElementById(id).classList.add('sel'); });
    var m = document.getElementById(ids[k]);
    m.classList.add('current');
    entry.classList.add('active');
    entry.querySelector('.pos').textContent = (k + 1) + '/' + ids.length;
    at.set(entry, k);
    if (scroll) m.scrollIntoView({ block: 'center' });
    current = m;
    showCard(indexOf(m));
    m.focus({ preventScroll: true });
    show(m, true);
    history.replaceState(null, '', '#' + ids[k]);
  }
  entries.forEach(function (entry) {
    entry.addEventListener('click', function (ev) {
      ev.preventDefault();
      var n = entry.getAttribute('data-mentions').split(' ').length;
      select(entry, at.has(entry) ? (at.get(entry) + 1) % n : 0, true);
    });
  });

  // ---- full-text search, folded (diacritics, tatweel, hamza and alef forms, ى/ي, ة/ه, case)
  var hits = [], hit = -1;
  var searchBox = el('input', { type: 'search', id: 'search', placeholder: 'search the text (/)', 'aria-label': 'search the text' });
  var searchCount = el('span', { class: 'hits', id: 'hits' });
  function search(q) {
    hits = [];
    hit = -1;
    q = fold(q.trim());
    if (q) {
      main.querySelectorAll('p[data-s]').forEach(function (p) {
        var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT), node, nodes = [], text = '';
        while ((node = walker.nextNode())) { nodes.push([node, text.length]); text += node.data; }
        var f = foldMap(text), from = 0, k;
        while ((k = f.text.indexOf(q, from)) >= 0) {
          var a = f.map[k], b = f.map[k + q.length - 1] + 1;
          var r = document.createRange();
          var locate = function (pos, end) {
            for (var j = nodes.length - 1; j >= 0; j--) {
              if (nodes[j][1] < pos || (!end && nodes[j][1] === pos)) return [nodes[j][0], pos - nodes[j][1]];
            }
            return [nodes[0][0], 0];
          };
          var s = locate(a, false), e = locate(b, true);
          r.setStart(s[0], Math.min(s[1], s[0].data.length));
          r.setEnd(e[0], Math.min(e[1], e[0].data.length));
          hits.push(r);
          from = k + q.length;
        }
      });
    }
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set('gaztag-search', new Highlight(...hits));
    }
    searchCount.textContent = q ? hits.length + (hits.length === 1 ? ' match' : ' matches') : '';
  }
  function nextHit(step) {
    if (!hits.length) return;
    hit = (hit + step + hits.length) % hits.length;
    var r = hits[hit];
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    var box = r.getBoundingClientRect();
    window.scrollBy(0, box.top - window.innerHeight / 2);
    searchCount.textContent = (hit + 1) + '/' + hits.length;
  }
  searchBox.addEventListener('input', function () { search(searchBox.value); });
  searchBox.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { ev.preventDefault(); nextHit(ev.shiftKey ? -1 : 1); }
    if (ev.key === 'Escape') { searchBox.value = ''; search(''); searchBox.blur(); }
  });

  // ---- the toolbar
  var reviewedBox = el('input', { type: 'checkbox', id: 'reviewed' });
  reviewedBox.addEventListener('change', function () { setReviewed(reviewedBox.checked); });
  var addBar = el('span', { class: 'add', id: 'addbar' }, ['add selection as ']
    .concat(TYPES.map(function (t, k) {
      return el('button', { type: 'button', class: 'chip ' + t, 'data-add': t, title: 'mark the selected text as a ' + t + ' mention (' + (k + 1) + ')',
        onmousedown: function (ev) { ev.preventDefault(); }, onclick: function () { addSelection(t); } }, [t]);
    })));
  tools.append(
    el('div', { class: 'row' }, [searchBox, searchCount, filterControls(filters, function () { paintAll(); }, true)]),
    el('div', { class: 'row' }, [el('label', { class: 'opt' }, [reviewedBox, ' document reviewed']), addBar]
      .concat(storeButtons()).concat([status,
        el('span', { class: 'keys', title: 'keyboard' }, ['keys: j/k next/previous · a/r accept/reject · A/R whole entity · w/W spelling · u clear · 1/2/3 add selection · / search · [ ] documents'])])));

  // ---- keyboard navigation and decisions
  function visibleMarks() {
    return Array.prototype.filter.call(main.querySelectorAll('mark.m'), function (m) { return !m.classList.contains('out'); });
  }
  function go(step) {
    var list = visibleMarks();
    if (!list.length) return;
    var k = list.indexOf(current);
    k = k < 0 ? (step > 0 ? 0 : list.length - 1) : (k + step + list.length) % list.length;
    var mk = list[k];
    document.querySelectorAll('mark.current').forEach(function (m) { m.classList.remove('current'); });
    mk.classList.add('current');
    current = mk;
    mk.scrollIntoView({ block: 'center' });
    mk.focus({ preventScroll: true });
    show(mk, true);
    if (indexOf(mk) !== null) history.replaceState(null, '', '#' + mk.id);
  }
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (t && (t.nodeName === 'INPUT' || t.nodeName === 'SELECT' || t.nodeName === 'TEXTAREA')) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var i = indexOf(current);
    var k = ev.key;
    if (k === 'Escape') { clear(); hide(true); at.clear(); return; }
    if (k === 'j' || k === 'n') go(1);
    else if (k === 'k' || k === 'p') go(-1);
    else if (k === '/') { searchBox.focus(); }
    else if (k === '1' || k === '2' || k === '3') { if (!addSelection(TYPES[Number(k) - 1])) return; }
    else if (k === '[' || k === ']') {
      var a = document.querySelector('nav a[rel="' + (k === '[' ? 'prev' : 'next') + '"]');
      if (a) location.href = a.href;
    } else if (i !== null && k === 'a') decide(i, 'accept');
    else if (i !== null && k === 'r') decide(i, 'reject');
    else if (i !== null && k === 'u') decide(i, null);
    else if (i !== null && k === 'A') decideAll(i, 'accept', 'entity');
    else if (i !== null && k === 'R') decideAll(i, 'reject', 'entity');
    else if (i !== null && k === 'w') decideAll(i, 'accept', 'spelling');
    else if (i !== null && k === 'W') decideAll(i, 'reject', 'spelling');
    else return;
    ev.preventDefault();
  });

  // the spans added before, then the paint
  Object.keys(record.decisions).forEach(function (k) {
    var d = record.decisions[k];
    if (d.decision === 'add') renderAdded(d);
  });
  paintAll();

  // PAGE#mN opens the page at mention N, its entity selected
  var target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
  if (target && target.matches('mark.m')) {
    entries.forEach(function (entry) {
      var k = entry.getAttribute('data-mentions').split(' ').indexOf(target.id);
      if (k >= 0) select(entry, k, false); // the browser has scrolled to it
    });
  }

  // for tests and scripts: what the page shows, and its actions
  Object.assign(window.gaztag, {
    mentions: M, decide: decide, decideAll: decideAll, setReviewed: setReviewed, addSelection: addSelection,
    effective: effective, go: go, search: search, nextHit: nextHit, paint: paintAll,
    shown: function () { return visibleMarks().map(function (m) { return m.id; }); },
    current: function () { return current && current.id; }
  });
})();
