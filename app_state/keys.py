"""The session-state keys more than one module reads or writes: the protocol between dashboard.py, app_state and
the pages, named once. A key private to one module stays there, next to its only use."""

FILTERS = "filters"  # the run's Filters: set by dashboard.py (sidebar or screen address), read by every page
PAGE_PRINCIPAL = "page_principal"  # who this run is for: set by dashboard.py after sign-in, read by pages and ticks
RESUME_PAGE = "resume_page"  # (page file, query parameters) a link asked for before the navigation existed

# The sidebar's widgets: choose_sector sets them from a callback, before the sidebar is drawn
CSP_WIDGET, SECTOR_WIDGET, AS_OF_WIDGET, PERIOD_WIDGET = "f_csp", "f_sector", "f_as_of", "f_period"

# Sign-in state (app_state.auth and app_state.login)
SIGNED_IN = "principal"  # the account signed in with its password in this browser session
SIGNED_IN_AT = "signed_in_at"  # when (time.time()), for the session's age
SCREEN_TOKEN = "screen_token"  # the screen token this browser session is signed in with
PUBLISH_TOKEN = "publish_token"  # a screen just signed in: write its token into the address once
LOGIN_NOTICE = "login_notice"  # what the login screen says first (session expired, account disabled…)
