#!/usr/bin/env bash
# All set-up for `npm start` and `npm test`: idempotent, and seconds-fast when nothing changed.
# Usage: bash scripts/setup.sh [--for-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "Run as root: set-up installs host packages and starts sandboxes with podman (see README, 'What the host needs')."
command -v node >/dev/null || fail "Node.js 20.19+ is needed (node not found on PATH)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js 20.19 or newer is needed; found $(node --version)."

stamp_dir=.data/setup
mkdir -p "$stamp_dir"
# Runs "$@" only when the hash of the given inputs changed since its last success.
when_changed() {
  local name=$1 inputs=$2; shift 2
  local hash
  # An input that is missing (no generated client yet on a fresh clone) only changes the hash.
  hash=$( (eval "$inputs" 2>/dev/null || true) | sha256sum | cut -c1-32)
  if [ -f "$stamp_dir/$name" ] && [ "$(cat "$stamp_dir/$name")" = "$hash" ]; then return 0; fi
  "$@"
  echo "$hash" > "$stamp_dir/$name"
}

step "host: packages, user namespaces, devices, binfmt, network"
bash scripts/host-setup.sh

# The images take most of a fresh machine's set-up (Debian packages into each of nine images) and need nothing of
# npm's: they build while the dependencies install and the web app builds. Their lines carry an [images] prefix.
step "sandbox and base images, lab registry (in the background, beside the steps below)"
bash scripts/images/build-all.sh &
images=$!

npm_install() {
  step "npm dependencies (npm install from the lock file)"
  # Not `npm ci`: the lock lists Next's macOS/Windows compilers as optional, and a
  # Linux-only mirror lacks them, which `npm ci` treats as an out-of-sync lock.
  npm install --no-audit --no-fund --loglevel=error
}
when_changed npm 'cat package-lock.json package.json' npm_install
[ -d node_modules/next ] || npm_install

prisma_generate() {
  step "database clients (prisma generate: SQLite and PostgreSQL)"
  # One source schema; the PostgreSQL copy is derived from it (see prisma/README.md).
  npx tsx scripts/derive-postgres-schema.ts
  # prisma generate does not run the schema engine; it only wants a path (see README, 'Database').
  local fake_engine=.data/setup/schema-engine-unused
  [ -x "$fake_engine" ] || { printf '#!/bin/sh\nexit 1\n' > "$fake_engine"; chmod +x "$fake_engine"; }
  PRISMA_SCHEMA_ENGINE_BINARY="$PWD/$fake_engine" npx prisma generate --schema prisma/schema.prisma >/dev/null
  PRISMA_SCHEMA_ENGINE_BINARY="$PWD/$fake_engine" npx prisma generate --schema prisma/postgresql/schema.prisma >/dev/null
}
when_changed prisma 'cat prisma/schema.prisma prisma/postgresql/schema.prisma package-lock.json scripts/derive-postgres-schema.ts; ls server/db/generated/sqlite server/db/generated/postgresql 2>/dev/null' prisma_generate

step "editor assets (Monaco, served locally)"
bash scripts/monaco-assets.sh

next_build() {
  step "web app (next build)"
  npx next build >.data/setup/next-build.log 2>&1 || { tail -40 .data/setup/next-build.log; fail "next build failed (log: .data/setup/next-build.log)"; }
}
when_changed next 'find app components lib server next.config.ts package-lock.json tsconfig.json -type f \( -name "*.ts" -o -name "*.tsx" -o -name "*.css" -o -name "*.json" \) -not -path "server/db/generated/*" -print0 | sort -z | xargs -0 sha256sum; [ -f .next/BUILD_ID ] && echo built' next_build

step "waiting for the images"
wait "$images" || fail "building the images failed (see the [images] lines above)"

# The course's base images, pulled and unpacked once into a read-only store every sandbox's Docker starts from
# (server/sandbox/base-store.ts); remade only when an image or the sandbox image changed.
step "base-image store"
node --import ./server/register.mjs scripts/images/base-store.ts

step "ready"
