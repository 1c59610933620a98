#!/usr/bin/env bash
# Install Debian's `chromium` package for the browser tests (tests/web) when it is missing.
#
#     bash scripts/chromium-install.sh
#
# Why Debian's browser and not Playwright's: `playwright install` downloads a browser build of
# its own, which this project's machines cannot fetch; the tests launch the system binary with
# Playwright's `executable_path` instead. Idempotent: when /usr/bin/chromium is there, it does
# nothing. Needs root and apt (as CI has).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
