// gaztag review: the index page. Lists the documents and the entities across them from the
// JSON in <script id="gaztag-index">, searchable, filtered (type, match kind, score range,
// entity) and paginated, so that 10,000 documents stay browsable. Needs review.js first.
(function () {
  'use strict';
  var g = window.gaztag;
  var el = g.el, fold = g.fold;
  var data = JSON.parse(document.getElementById('gaztag-index').textContent);
  var docs = data.documents, ents = data.entities;
  var PAGE = 100;
  var lists = document.getElementById('lists');
  var tools = document.getElementById('tools');
  var filters = g.loadFilters();
  var state = { tab: 'documents', q: '', page: 0, entity: null };
  var entDocs = null; // per entity: [[document, mentions, first mention]], made when first needed

  function docsOf(k) {
    if (!entDocs) {
      entDocs = ents.map(function () { return []; });
      docs.forEach(function (d, di) { d[6].forEach(function (x) { entDocs[x[0]].push([di, x[1], x[2]]); }); });
    }
    return entDocs[k];
  }
  function entityPasses(e) {
    if (filters.types.indexOf(e.type) < 0) return false;
    if (!filters.matches.some(function (k) { return e.match[k] > 0; })) return false;
    if (!g.scoreIn(filters, e.score && e.score[0], e.score && e.score[1])) return false;
    return g.entityMatches(filters, e.entity, e.name);
  }
  function searchHits(q, e) { return !q || fold(e.entity).indexOf(q) >= 0 || fold(e.name).indexOf(q) >= 0; }
  function link(d, first) { return d[1].split('/').map(encodeURIComponent).join('/') + (first === undefined ? '' : '#m' + first); }
  function chip(e, n) { return el('span', { class: 'chip ' + e.type }, [el('bdi', { text: e.name }), ' ' + n]); }

  function docRows() {
    var q = fold(state.q.trim());
    var filtering = filters.entity.trim() || filters.types.length < 3 || filters.matches.length < 5 ||
      filters.min !== '' || filters.max !== '';
    return docs.filter(function (d) {
      if (state.entity !== null && !d[6].some(function (x) { return x[0] === state.entity; })) return false;
      var passing = d[6].filter(function (x) { return entityPasses(ents[x[0]]); });
      if (filtering && !passing.length) return false;
      return !q || fold(d[0]).indexOf(q) >= 0 || d[6].some(function (x) { return searchHits(q, ents[x[0]]); });
    });
  }
  function entRows() {
    var q = fold(state.q.trim());
    var out = [];
    ents.forEach(function (e, k) { if (entityPasses(e) && searchHits(q, e)) out.push(k); });
    return out;
  }

  function pager(total) {
    var pages = Math.max(1, Math.ceil(total / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var b = function (label, to, off) {
      return el('button', { type: 'button', disabled: off ? 'disabled' : null, onclick: function () { state.page = to; draw(); } }, [label]);
    };
    return el('div', { class: 'pager' }, [b('← previous', state.page - 1, state.page === 0),
      ' page ' + (state.page + 1) + ' of ' + pages + ' (' + total + ') ', b('next →', state.page + 1, state.page >= pages - 1)]);
  }

  function drawDocs() {
    var rows = docRows();
    var table = el('table', { id: 'documents' });
    table.appendChild(el('thead', {}, [el('tr', {}, ['document', 'mentions', 'PER', 'LOC', 'ORG', 'entities', 'most mentioned', 'review']
      .map(function (h) { return el('th', { class: g.TYPES.indexOf(h) >= 0 ? h : null, text: h }); }))]));
    var tbody = el('tbody');
    rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (d) {
      var p = g.progress(d[0], d[2]);
      var top = d[6].slice().sort(function (a, b) { return b[1] - a[1]; }).slice(0, 4);
      tbody.appendChild(el('tr', {}, [
        el('td', {}, [el('a', { href: link(d) }, [d[0]])]),
        el('td', { class: 'num', text: String(d[2]) }), el('td', { class: 'num', text: String(d[3]) }),
        el('td', { class: 'num', text: String(d[4]) }), el('td', { class: 'num', text: String(d[5]) }),
        el('td', { class: 'num', text: String(d[6].length) }),
        el('td', { dir: 'rtl', lang: 'ar' }, top.map(function (x) { return chip(ents[x[0]], x[1]); })),
        el('td', { class: 'st', text: p.reviewed ? 'reviewed' : p.decided ? p.decided + ' decided' : '' })
      ]));
    });
    table.appendChild(tbody);
    var head = [];
    if (state.entity !== null) {
      var e = ents[state.entity];
      head.push(el('p', { class: 'only' }, ['documents mentioning ', chip(e, e.mentions), ' ',
        el('button', { type: 'button', onclick: function () { state.entity = null; state.page = 0; draw(); } }, ['show all'])]));
    }
    return head.concat([pager(rows.length), table]);
  }

  function drawEnts() {
    var rows = entRows();
    var table = el('table', { id: 'entities' });
    table.appendChild(el('thead', {}, [el('tr', {}, ['type', 'name', 'id', 'mentions', 'documents', 'found by', 'links', 'mentioned in']
      .map(function (h) { return el('th', { text: h }); }))]));
    var tbody = el('tbody');
    rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (k) {
      var e = ents[k];
      var found = g.MATCHES.filter(function (m) { return e.match[m] > 0; }).map(function (m) { return m + ' ' + e.match[m]; }).join(', ');
      var out = [];
      if (e.wikidata) out.push(el('a', { href: g.wikidataUrl(e.wikidata), target: '_blank', rel: 'noopener' }, ['Wikidata ' + e.wikidata]));
      if (e.geonames) out.push(el('a', { href: g.geonamesUrl(e.geonames), target: '_blank', rel: 'noopener' }, [' GeoNames ' + e.geonames]));
      var where = docsOf(k).slice(0, 3).map(function (x) {
        return el('a', { href: link(docs[x[0]], x[2]), class: 'where' }, [docs[x[0]][0] + ' (' + x[1] + ')']);
      });
      var more = el('button', { type: 'button', class: 'more', onclick: function () {
        state.entity = k; state.tab = 'documents'; state.page = 0; draw();
      } }, [e.documents > 3 ? 'all ' + e.documents + ' →' : 'list →']);
      tbody.appendChild(el('tr', {}, [
        el('td', {}, [el('span', { class: 'chip ' + e.type, text: e.type })]),
        el('td', { dir: 'rtl', lang: 'ar', class: 'nm' }, [el('bdi', { text: e.name })]),
        el('td', {}, [el('bdi', { class: 'id', text: e.entity })]),
        el('td', { class: 'num', text: String(e.mentions) }), el('td', { class: 'num', text: String(e.documents) }),
        el('td', { class: 'by', text: found }), el('td', {}, out),
        el('td', { class: 'in' }, where.concat([more]))
      ]));
    });
    table.appendChild(tbody);
    return [pager(rows.length), table];
  }

  var tabs = {};
  function draw() {
    Object.keys(tabs).forEach(function (t) { tabs[t].classList.toggle('active', t === state.tab); });
    lists.replaceChildren.apply(lists, state.tab === 'documents' ? drawDocs() : drawEnts());
  }
  var search = el('input', { type: 'search', id: 'search', placeholder: 'search documents and entities', 'aria-label': 'search' });
  // drawn once typing pauses: a search runs over every document
  var pending = null;
  search.addEventListener('input', function () {
    state.q = search.value;
    state.page = 0;
    clearTimeout(pending);
    if (docs.length > 2000) pending = setTimeout(draw, 150); else draw();
  });
  ['documents', 'entities'].forEach(function (t) {
    tabs[t] = el('button', { type: 'button', class: 'tab', id: 'tab-' + t, onclick: function () { state.tab = t; state.page = 0; draw(); } },
      [t + ' (' + (t === 'documents' ? docs.length : ents.length) + ')']);
  });
  tools.append(el('div', { class: 'row' }, [tabs.documents, tabs.entities, search]),
    el('div', { class: 'row' }, [g.filterControls(filters, function () { state.page = 0; draw(); }, false)].concat(g.storeButtons())));
  draw();
  window.gaztag.index = { draw: draw, state: state, docRows: docRows, entRows: entRows };
})();
