#!/usr/bin/env bash
# Serves the Monaco editor from the lab itself: copies node_modules/monaco-editor/min/vs to public/monaco/vs.
# @monaco-editor/react would otherwise fetch Monaco from a CDN, and a lab (or a workshop on bad Wi-Fi) has no internet.
# Idempotent: a stamp naming the installed monaco-editor version makes a second run a no-op.
# Usage: bash scripts/monaco-assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."

src=node_modules/monaco-editor/min/vs
dst=public/monaco/vs
stamp=public/monaco/.version

[ -f "$src/loader.js" ] || { echo "monaco-assets: $src/loader.js is missing; run 'npm install' first." >&2; exit 1; }

version=$(node -p 'require("./node_modules/monaco-editor/package.json").version')
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && [ -f "$dst/loader.js" ] && [ -f "$dst/editor/editor.main.js" ]; then
  exit 0
fi

# Copy beside the target and swap it in, so a running server never serves a half-copied editor.
mkdir -p public/monaco
tmp=$(mktemp -d public/monaco/.vs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -R "$src/." "$tmp/"
chmod 755 "$tmp"
rm -rf "$dst"
mv "$tmp" "$dst"
trap - EXIT
echo "$version" > "$stamp"
echo "monaco-assets: Monaco $version copied to $dst"
