(function () {
  'use strict';
  var marks = document.querySelectorAll('mark.m');
  var tip = document.getElementById('tip');
  var rows = ['type', 'entity', 'name', 'variant', 'clitic', 'match', 'cost', 'form', 'also', 'chars'];

  // the tooltip: built from the mark's data attributes, as text (never as markup)
  function show(m) {
    var table = document.createElement('table');
    rows.forEach(function (key) {
      var value = m.getAttribute('data-' + key);
      if (value === null) return;
      var tr = table.insertRow();
      var th = document.createElement('th');
      th.textContent = key;
      tr.appendChild(th);
      var b = document.createElement('bdi');
      b.textContent = value;
      tr.insertCell().appendChild(b);
    });
    tip.replaceChildren(table);
    tip.hidden = false;
    var r = m.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = r.left + r.width / 2 - width / 2;
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
    tip.style.left = (left + window.scrollX) + 'px';
    tip.style.top = (r.bottom + window.scrollY + 8) + 'px';
  }
  function hide() { tip.hidden = true; }
  marks.forEach(function (m) {
    m.removeAttribute('title'); // the tooltip replaces the browser's own
    m.addEventListener('mouseenter', function () { show(m); });
    m.addEventListener('mouseleave', hide);
    m.addEventListener('focus', function () { show(m); });
    m.addEventListener('blur', hide);
  });

  // the side panel: each entry jumps to its entity's next mention, cycling
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
    m.focus({ preventScroll: true });
    show(m);
    history.replaceState(null, '', '#' + ids[k]);
  }
  entries.forEach(function (entry) {
    entry.addEventListener('click', function (ev) {
      ev.preventDefault();
      var n = entry.getAttribute('data-mentions').split(' ').length;
      select(entry, at.has(entry) ? (at.get(entry) + 1) % n : 0, true);
    });
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { clear(); hide(); at.clear(); }
  });

  // PAGE#mN opens the page at mention N, its entity selected
  var target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
  if (target && target.matches('mark.m')) {
    entries.forEach(function (entry) {
      var k = entry.getAttribute('data-mentions').split(' ').indexOf(target.id);
      if (k >= 0) select(entry, k, false); // the browser has scrolled to it
    });
  }
})();
