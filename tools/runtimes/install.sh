#!/usr/bin/env bash
# Installs what the runtime matrix (tools/runtimes/run.ts) and the browser tests need: the npm dev
# tools pinned in tools/runtimes/package.json (esbuild, bun, workerd, playwright-core, and the `ai`
# package that tests/examples/ai_chat_chromium_test.ts bundles for Chromium) into
# tools/runtimes/node_modules, and Debian's chromium. Idempotent: does nothing when everything is
# already in place. Deno and Node 20 are expected on the machine.
#
# The package.json lives here, not at the repository root, because a root package.json makes
# `deno task` resolve its devDependencies from the registry (and fail on other platforms'
# optional binaries that the registry here lacks).
set -euo pipefail
cd "$(dirname "$0")"

need_npm=0
for bin in esbuild bun workerd; do
  [[ -x "node_modules/.bin/$bin" ]] || need_npm=1
done
for package in playwright-core ai zod; do
  [[ -f "node_modules/$package/package.json" ]] || need_npm=1
done
# Bun's npm package ships a stub until its postinstall script fetches the real binary from the
# registry; a stub answers --version with an error.
if [[ $need_npm == 0 ]] && ! node_modules/.bin/bun --version >/dev/null 2>&1; then
  need_npm=1
fi
if [[ $need_npm == 1 ]]; then
  echo "install.sh: npm install (tools/runtimes/package.json, exact versions)"
  # No --ignore-scripts: bun needs its postinstall. No lockfile: one made here can be refused
  # by npm ci elsewhere.
  npm install --no-audit --no-fund --no-package-lock
fi
if ! node_modules/.bin/bun --version >/dev/null 2>&1; then
  node node_modules/bun/install.js
fi

if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "install.sh: /usr/bin/chromium is missing and this is not root: apt-get install chromium" >&2
    exit 1
  fi
  echo "install.sh: apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends chromium; then
    apt-get update
    apt-get install -y --no-install-recommends chromium
  fi
fi
echo "install.sh: runtimes ready"
