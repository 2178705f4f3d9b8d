#!/usr/bin/env bash
# Builds .cache/llm-venv on top of the Debian torch (python3-torch 1.13, CPU) for the local-LLM generator:
# transformers + peft + tokenizers pinned to the last releases that still support torch 1.13 and numpy 1.24.
# On the GPU image these are already installed; this is for laptops and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/llm-venv
PINS=(
  "transformers==4.40.2"
  "tokenizers==0.19.1"
  "safetensors==0.4.3"
  "huggingface-hub==0.23.4"
  psutil pyyaml "jinja2>=3.1"
)
# peft and accelerate declare torch as a dependency; pip does not count Debian's 1.13.0a0 build as satisfying it
# and would pull a 2 GB CUDA wheel. Their other dependencies are in PINS, so they go in with --no-deps.
NO_DEPS=("peft==0.10.0" "accelerate==0.29.3")
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import torch, transformers, peft, tokenizers; import jinja2; assert torch.__version__.startswith("1.13")' 2>/dev/null; then
  echo "llm venv ready: $VENV" >&2
  exit 0
fi
/usr/bin/python3 -m venv --system-site-packages "$VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q "${PINS[@]}"
"$VENV/bin/pip" install --disable-pip-version-check -q --no-deps "${NO_DEPS[@]}"
"$VENV/bin/python" -c 'import torch, transformers, peft, tokenizers; print("llm venv ready:", "torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__, "tokenizers", tokenizers.__version__)' >&2
