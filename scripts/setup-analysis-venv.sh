#!/usr/bin/env bash
# Builds .cache/analysis-venv for the reading specs (tests/reading): pandas reads `export cycles|candidates` back, and
# the official openlineage-python client checks `export openlineage`'s RunEvents. Pinned; built on the system Python
# with its site packages, so a numpy already installed there is used (pip brings one in when there is none).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/analysis-venv
PINS=("pandas==2.2.3" "openlineage-python==1.26.0" "jsonschema==4.23.0")
CHECK='import pandas, openlineage.client, jsonschema; assert pandas.__version__ == "2.2.3"'
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$CHECK" 2>/dev/null; then
  echo "analysis venv ready: $VENV" >&2
  exit 0
fi
/usr/bin/python3 -m venv --system-site-packages "$VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q "${PINS[@]}"
"$VENV/bin/python" -c "$CHECK; import numpy; print('analysis venv ready: pandas', pandas.__version__, 'numpy', numpy.__version__)" >&2
