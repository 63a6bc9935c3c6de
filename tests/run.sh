#!/usr/bin/env bash
# Runs every test of pillar: the Rust unit and integration tests, then (once they exist) the
# browser and validator checks of the built site. Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --all-targets
