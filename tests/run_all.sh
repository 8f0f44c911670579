#!/usr/bin/env bash
# Install everything the suite needs, then run it: unit, integration and
# browser tests. Safe to run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = "0" ]; then
        echo "installing Debian chromium + chromium-driver for the browser tests"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "chromium/chromedriver missing: run as root or 'sudo apt-get install chromium chromium-driver'" >&2
        exit 1
    fi
fi

python3 -m pytest -n 2 --dist loadfile --durations=25 "$@"
