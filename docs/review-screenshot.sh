#!/usr/bin/env bash
# Regenerates the screenshots of docs/review.md, as headless Chromium shows the pages:
#   review.png        a seed article with decisions made (accepted, rejected, a span added),
#                     the entity "baku" picked in the side panel, its tooltip pinned
#   review-filter.png the same page filtered to places found other than exactly, searched
#   review-index.png  the index's entity list, searched
# Needs Chromium and an Arabic font; on Debian: apt-get install chromium fonts-noto-core
# (without an Arabic font the text renders as boxes or in a poor fallback).
set -euo pipefail
cd "$(dirname "$0")/.."
browser=${GAZTAG_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo run --quiet -- tag seeds --out "$tmp/ann"
cargo run --quiet -- review "$tmp/ann" --docs seeds --html "$tmp/html" > /dev/null

# shot NAME PAGE SCRIPT: PAGE in a full-window frame, SCRIPT run in it once loaded (with `d`
# its document, `g` its gaztag object), then the picture
shot() {
  cat > "$tmp/shot.html" <<HTML
<!DOCTYPE html><meta charset="utf-8">
<style>html, body { margin: 0; height: 100%; overflow: hidden; } iframe { border: 0; width: 100%; height: 100%; }</style>
<iframe id="f" src="html/$2"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var w = this.contentWindow, d = this.contentDocument, g = w.gaztag;
  function key(k) { d.dispatchEvent(new w.KeyboardEvent('keydown', { key: k, bubbles: true })); }
  function input(sel, v) { var i = d.querySelector(sel); i.value = v; i.dispatchEvent(new w.Event('input')); }
  $3
});
</script>
HTML
  rm -rf "$tmp/profile"
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --allow-file-access-from-files --hide-scrollbars \
    --virtual-time-budget=5000 --window-size=1400,900 --screenshot="$PWD/docs/$1" \
    "file://$tmp/shot.html" 2> /dev/null
  echo "wrote docs/$1"
}

page=000_b7c2ae510c672f79.txt.html
decide='g.decide(0, "accept"); g.decide(1, "reject"); g.decide(3, "accept");
  var word = "غداة", walker = d.createTreeWalker(d.getElementById("text"), w.NodeFilter.SHOW_TEXT), n;
  while ((n = walker.nextNode()) && n.data.indexOf(word) < 0) {}
  var r = d.createRange(); r.setStart(n, n.data.indexOf(word)); r.setEnd(n, n.data.indexOf(word) + word.length);
  w.getSelection().addRange(r); g.addSelection("PER");'
shot review.png "$page" "$decide
  d.querySelector('a.ent[data-entity=\"baku\"]').click();
  d.scrollingElement.scrollTop = 0;"
shot review-filter.png "$page" "
  d.querySelector('input[data-filter=\"types\"][value=\"PER\"]').click();
  d.querySelector('input[data-filter=\"types\"][value=\"ORG\"]').click();
  input('#search', 'باكو'); g.nextHit(1);
  d.scrollingElement.scrollTop = 0;"
shot review-index.png index.html "
  d.getElementById('tab-entities').click();
  input('#search', 'أذربيجان');"
