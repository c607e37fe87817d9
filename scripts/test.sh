#!/usr/bin/env bash
# The README's test command (and CI's): installs what the tests need, then runs every test; arguments go to pytest.
# Browser tests drive Debian's Chromium, store tests also run on a throwaway PostgreSQL cluster started from Debian's
# server binaries (/usr/lib/postgresql/<version>/bin), the deployment tests put Debian's nginx in front of the app
# (with an openssl certificate) and ask systemd-analyze about the units: all are installed here when missing (root),
# never downloaded by playwright. The postgresql package's own cluster, if it starts one, is not used.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
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
export GPO_TEST_POSTGRESQL=required  # here a PostgreSQL test never skips: it fails if the cluster cannot start
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Every test, browser and slow ones included (pyproject's default leaves them out), on two workers: the browser tests
# sharing the demo server in one of them (their conftest groups them), everything else spread over both.
python -m pytest -m "" -n 2 --dist loadgroup --durations=25 "$@"
