"""The deployment's settings read from the environment (the store's URL is read by `store.database`)."""

from __future__ import annotations

import os

# GPO_AUTH: "off" (default: the demo runs open), "local" (accounts in the store), "oidc" (st.login, .streamlit/secrets.toml).
AUTH_MODES = ("off", "local", "oidc")
SESSION_MINUTES = int(os.environ.get("GPO_SESSION_MINUTES", "480"))  # a password sign-in lasts this long


def auth_mode() -> str:
    mode = (os.environ.get("GPO_AUTH") or "off").strip().lower()
    return mode if mode in AUTH_MODES else "local"  # an unknown value never opens the app
