#!/usr/bin/env bash
# Installs the Debian packages nas-ledger needs. Idempotent: skips apt entirely when all are present.
set -euo pipefail
PACKAGES=(
  postgresql            # the PostgreSQL adapter's tests start a real server
  python3-torch         # the CPU runner (torch 1.13)
  python3-torchvision
  python3-pil           # the DataLoader pipelines (nngpt, native-dataloader) transform PIL images
  python3-scipy         # SVHN .mat loader, reference statistics
  python3-numpy
  dataset-fashion-mnist # the default dataset, idx files under /usr/share/datasets/fashion-mnist/
  bubblewrap            # the sandbox for generated code
  python3-venv
  openjdk-17-jre-headless # the Kafka broker the loop's tests start (scripts/setup-kafka.sh)
  maven                 # fetches the Kafka jars from Maven Central once
  chromium              # the dashboard's browser tests (playwright-core drives /usr/bin/chromium)
  docker-compose        # tests/fleet: `docker-compose config` checks docker/compose.yaml (no Docker engine needed)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "setup: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
