#!/bin/sh
# render.sh REPORT_HTML [SCREENSHOT_PNG]: loads report.html in headless
# Chromium and fails when the page could reach the network. Two checks:
# 1. static: no script, frame, object, link element, no src/href/action
#    attribute other than an in-page "#anchor", no url() other than "#id";
# 2. dynamic: Chromium runs with every host name unresolvable and a net
#    log; the log must hold no http(s), ws(s) or ftp request made by the
#    page. BROWSER_STATIC_ONLY=1 runs check 1 only, BROWSER_DYNAMIC_ONLY=1
#    check 2 only (to test each on a bad page).
# Skips (exit 0, with a message) when Chromium is not installed.
set -u
html=${1:?usage: render.sh REPORT_HTML [SCREENSHOT_PNG]}
shot=${2:-}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
tags=""
fail() { echo "browser: FAIL: $*" >&2; exit 1; }

[ -f "$html" ] || fail "no such file: $html"
if [ -z "${BROWSER_DYNAMIC_ONLY:-}" ]; then
# Markup only: corpus text is escaped, so every real tag starts with '<'.
tags=$(mktemp)
trap 'rm -f "$tags"' EXIT
tr '\n' ' ' <"$html" | grep -o '<[^>]*>' >"$tags"
if grep -Eiq '<(script|iframe|frame|object|embed|link|img|image|audio|video|source|base|form|meta http-equiv="refresh")[ >/]' "$tags"; then
	fail "an element that loads or runs something: $(grep -Eio '<(script|iframe|frame|object|embed|link|img|image|audio|video|source|base|form)[ >/][^>]{0,60}' "$tags" | head -n 3)"
fi
if grep -Eio '(src|href|action|formaction|poster|srcset|background|ping)[[:space:]]*=[[:space:]]*["'"'"']?[^"'"'"'#> ]' "$tags" | grep -q .; then
	fail "an attribute that points outside the page: $(grep -Eio '(src|href|action|formaction|poster|srcset|background|ping)[[:space:]]*=[[:space:]]*["'"'"']?[^"'"'"'#> ][^ >]{0,40}' "$tags" | head -n 3)"
fi
if grep -Eio 'url\([[:space:]]*["'"'"']?[^"'"'"'#)]' "$tags" | grep -q .; then
	fail "a url() that is not an in-page reference"
fi
if grep -Eiq '@import|[[:space:]]on[a-z]+[[:space:]]*=[[:space:]]*["'"'"']' "$tags"; then
	fail "@import or an event handler attribute"
fi
fi
[ -z "${BROWSER_STATIC_ONLY:-}" ] || exit 0

if [ ! -x "$CHROMIUM" ]; then
	echo "browser: skipped: $CHROMIUM is not installed (make check installs it)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" ${tags:+"$tags"}' EXIT
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
[ -n "$shot" ] || shot="$tmp/shot.png"
timeout 20 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update --disable-sync \
	--no-first-run --no-default-browser-check --user-data-dir="$tmp/profile" \
	--host-resolver-rules="MAP * ~NOTFOUND" --log-net-log="$tmp/net.json" \
	--screenshot="$shot" --window-size=1280,2000 "file://$abs" >"$tmp/log" 2>&1 ||
	fail "chromium failed: $(tail -n 3 "$tmp/log")"
[ -s "$shot" ] || fail "no screenshot written"
[ -s "$tmp/net.json" ] || fail "no net log written"
# Chromium itself talks to update and account services even with the flags
# above; those requests have no initiating origin ("not an origin"). A
# request the page made has the file's opaque origin ("null", file://).
bad=$(grep -E '"url":"(https?|wss?|ftp)://' "$tmp/net.json" | grep -v '"initiator":"not an origin"' |
	grep -E '"initiator"|file://' | grep -Eo '"url":"[^"]*"' | sort -u || true)
[ -z "$bad" ] || fail "the page made network requests: $(printf '%s' "$bad" | head -n 5)"
echo "browser: ok: $(wc -c <"$shot") byte screenshot, no network request"
