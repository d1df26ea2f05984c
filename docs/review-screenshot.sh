#!/usr/bin/env bash
# Regenerates docs/review.png: the review page of a seed article, as headless Chromium shows it
# with the entity "baku" picked in the side panel (its first mention outlined, its tooltip
# open). Needs Chromium and an Arabic font; on Debian: apt-get install chromium fonts-noto-core
# (without an Arabic font the text renders as boxes or in a poor fallback).
set -euo pipefail
cd "$(dirname "$0")/.."
browser=${GAZTAG_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo run --quiet -- tag seeds --out "$tmp/ann"
cargo run --quiet -- review "$tmp/ann" --docs seeds --html "$tmp/html" > /dev/null

# The page in a full-window frame: pick an entity in the panel as a user would, then scroll
# back to the top so the header and legend are in the picture.
cat > "$tmp/shot.html" <<'HTML'
<!DOCTYPE html><meta charset="utf-8">
<style>html, body { margin: 0; height: 100%; overflow: hidden; } iframe { border: 0; width: 100%; height: 100%; }</style>
<iframe id="f" src="html/000_b7c2ae510c672f79.txt.html"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var d = this.contentDocument;
  d.querySelector('a.ent[data-entity="baku"]').click();
  d.scrollingElement.scrollTop = 0;
});
</script>
HTML

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --allow-file-access-from-files --hide-scrollbars \
  --window-size=1400,900 --screenshot="$PWD/docs/review.png" "file://$tmp/shot.html" 2> /dev/null
echo "wrote docs/review.png"
