#!/usr/bin/env bash
# The README's test command (and CI's): installs what the tests need, then runs every test; arguments go to pytest.
# Browser tests drive Debian's Chromium; it is installed here when missing (root), never downloaded by playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Les tests dans le navigateur ont besoin de Chromium : sudo apt-get install chromium" >&2
    exit 1
  fi
fi
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Every test, browser and slow ones included (pyproject's default leaves them out), on two workers: the browser tests
# in one of them (their conftest groups them), everything else spread over both.
python -m pytest -m "" -n 2 --dist loadgroup "$@"
