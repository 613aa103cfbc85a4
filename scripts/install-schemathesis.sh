#!/usr/bin/env bash
# Installs schemathesis (API fuzzing from OpenAPI documents; PyPI) into a virtualenv under the
# tools folder, and prints the command's path.
set -euo pipefail
version="${SCHEMATHESIS_VERSION:-4.32.5}"
# shellcheck source=lib/tools-dirs.sh
. "$(dirname "$0")/lib/tools-dirs.sh"
venv="$TOOLS_DIR/schemathesis-$version"
bin="$venv/bin/schemathesis"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then echo "$bin"; exit 0; fi
command -v python3 >/dev/null || { echo "install-schemathesis: python3 is required" >&2; exit 1; }
python3 -m venv "$venv" >&2 || { apt-get install -y python3-venv >&2 && python3 -m venv "$venv" >&2; }
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
"$bin" --version >&2
echo "$bin"
