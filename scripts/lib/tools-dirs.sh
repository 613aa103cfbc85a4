# Sourced by the install scripts: where installed things go.
#
#   TOOLS_DIR  ANCHORPOST_TOOLS_DIR, default ~/.cache/anchorpost: what is fetched or made per
#              machine — Node 24, the Kafka jars, Python virtualenvs, JSON schemas, and links to the
#              binaries below. Cheap to make again; CI makes it anew in every run (a fresh HOME).
#   BIN_CACHE  ANCHORPOST_BIN_CACHE, default TOOLS_DIR/bin-cache: binaries compiled from source
#              (Kubo, helm, kubeconform, ...), one folder per build, named NAME-VERSION-KEY, KEY
#              being a hash of the script that builds it and its arguments, so that editing a build
#              script builds anew. The one thing CI may keep between runs (outside HOME).
TOOLS_DIR="${ANCHORPOST_TOOLS_DIR:-$HOME/.cache/anchorpost}"
BIN_CACHE="${ANCHORPOST_BIN_CACHE:-$TOOLS_DIR/bin-cache}"
