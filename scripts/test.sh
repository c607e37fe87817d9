#!/usr/bin/env bash
# The README's test command (and CI's): installs what the tests need, then runs every test; arguments go to pytest.
# Browser tests drive Debian's Chromium; it is installed here when missing (root), never downloaded by playwright.
# The deployment tests put Debian's nginx in front of the app (with an openssl certificate) and ask systemd-analyze
# about the units: those Debian packages are installed the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] && [ -f /etc/nginx/nginx.conf ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Les tests ont besoin de paquets Debian absents : sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Every test, browser and slow ones included (pyproject's default leaves them out), on two workers: the browser tests
# in one of them (their conftest groups them), everything else spread over both.
python -m pytest -m "" -n 2 --dist loadgroup "$@"
