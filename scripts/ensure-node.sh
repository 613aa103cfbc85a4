#!/usr/bin/env bash
# Prints a directory holding a Node.js >= 24 binary, installing the npm package `node@24`
# into a per-user cache when the machine's own Node is older. Usage: PATH="$(scripts/ensure-node.sh):$PATH"
set -euo pipefail
want=24
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -ge "$want" ]; then dirname "$(command -v node)"; exit 0; fi
fi
# shellcheck source=lib/tools-dirs.sh
. "$(dirname "$0")/lib/tools-dirs.sh"
dir="$TOOLS_DIR/node$want"
if [ ! -x "$dir/node_modules/.bin/node" ]; then
  mkdir -p "$dir"
  echo '{"private":true}' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "node@$want" >&2)
fi
"$dir/node_modules/.bin/node" -e "if (+process.versions.node.split('.')[0] < $want) process.exit(1)" \
  || { echo "ensure-node: $dir does not hold Node $want" >&2; exit 1; }
echo "$dir/node_modules/.bin"
