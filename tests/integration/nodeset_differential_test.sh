#!/usr/bin/env bash
# greenlight nodeset against ClusterShell's nodeset on golden and random cases.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CLUSTERSHELL_CFGDIR="$here/../fixtures/nodeset/clustershell"
exec /usr/bin/python3 "$here/nodeset_differential.py" "${GREENLIGHT:?}" "${NODESET_CASES:-3000}"
