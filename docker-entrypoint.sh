#!/bin/sh
# The image's entry point: the first argument picks what the container runs.
#   all (default) | api | worker   the service (node dist/src/main.js MODE)
#   collector [flags]              the host collector (node dist/src/collector/main.js flags)
#   anything else                  run as a command (sh, node -e ..., ...)
set -e
app="${PCT_APP_DIR:-/opt/pc-telemetry}"
case "${1:-all}" in
  all | api | worker)
    exec node "$app/dist/src/main.js" "$@" ;;
  collector)
    shift
    exec node "$app/dist/src/collector/main.js" "$@" ;;
  *)
    exec "$@" ;;
esac
