#!/usr/bin/env bash
# Rebuilds the generated part of the default gazetteer (gazetteer/geo-*.tsv and the generated
# sections of gazetteer/given-names.txt and gazetteer/common-words.txt) from pinned open data.
# Usage: scripts/build-default/build.sh [extra build.py options]
# Needs python3 (3.11+), pip and apt-get (for the Debian package); writes only under
# gazetteer/ and the cache folder (default target/build-default, BUILD_DEFAULT_CACHE).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${BUILD_DEFAULT_CACHE:-$root/target/build-default}
mkdir -p "$cache"
if [ ! -x "$cache/venv/bin/python" ]; then
  python3 -m venv "$cache/venv"
fi
"$cache/venv/bin/pip" install --quiet --no-deps -r "$here/requirements.txt"
deb=libgeonames-common_0.3.0-1_all.deb
if [ ! -f "$cache/$deb" ]; then
  (cd "$cache" && apt-get download libgeonames-common=0.3.0-1)
fi
mo=$cache/deb/usr/share/locale/ar/LC_MESSAGES/geonames.mo
if [ ! -f "$mo" ]; then
  dpkg-deb -x "$cache/$deb" "$cache/deb"
fi
"$cache/venv/bin/python" "$here/build.py" --geonames-mo "$mo" "$@"
