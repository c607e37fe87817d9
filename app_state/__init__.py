"""The app layer between the pages and the rest: the only code that uses Streamlit's cache and session state for
the pages, and the pages' only way to the store. One module per concern; what pages use is re-exported here.

- `config`: settings read from the environment (authentication mode, session length);
- `resources`: what every session shares, opened once (the reference, the store);
- `keys`: the session-state keys shared across modules;
- `auth`: who is signed in, what they may read, the journal; `login`: the login screen and the user box;
- `data`: the store's data as pages show it, cached per set of current imports and scoped to the reader;
- `figures`: figures built once per input; `cycle`: the GPO's cycle (glance, Bilan, outcomes, pertinence);
- `sidebar`: the shared filters (sidebar, URL, screen address) and the page preamble (`page_header`);
- `widgets`: grid widths, the demo banner, the notice of old data, the French file uploader;
- `screens`: the kiosk layout, the slideshow and self-refreshing fragments;
- `downloads`: files built from the data, and `guarded_export`;
- `uploads`: reading, planning and committing an import; `import_review`: the report, changes and confirmation
  shown before an import; `admin`: accounts, screen tokens, the journal;
- `meeting_record`: a meeting's record written as the sector's next tracker, planned through the upload path, and
  its compte rendu (PDF); `record_form`: the « Compte rendu de la réunion » section of the meeting page;
- `reminders`: the « Relances » page's contacts, plan, sending and history, and each sector's .ics calendar;
- `accessibility`: the menu of page links and the script for what Streamlit's markup lacks (RGAA).
"""

from app_state.accessibility import accessibility_script, show_statement, sidebar_menu
from app_state.auth import audit, current_principal, enter_as, principal, publish_screen_token, readable
from app_state.config import auth_mode
from app_state.cycle import (bilan_for, cycle_glance_for, cycle_table_for, outcomes_for, pertinence_for,
                             show_cycle_glance)
from app_state.data import (
    agenda_for, cadence_for, current_data, current_import_of, demo_reference_date, headline_for, import_history,
    import_issues, last_imports, metrics_for, open_problems_history, overdue_for, readable_sector_names, rejected_rows,
    scope_frames,
)
from app_state.downloads import (
    RawDownload, bilan_pdf_when_asked, evaluation_export, file_when_asked, guarded_export, meeting_pack_when_asked, raw_file_download, template_download,
    tracker_download,
)
from app_state.import_review import check_report, plan_review
from app_state.meeting_record import may_record
from app_state.record_form import record_section
from app_state.reminders import calendar_file
from app_state.figures import map_figure, map_summary, meetings_view, problems_view, ranking_for, sector_map_figure
from app_state.login import login_screen, user_box
from app_state.resources import reference, store
from app_state.screens import interval_from_url, kiosk_css, live_fragment, slideshow
from app_state.sidebar import (
    PageView, choose_sector, is_kiosk, keep_filters, kiosk_filters, page_filters, page_header, resume_requested_page,
    shared_filters,
)
from app_state.uploads import commit_upload, plan_uploads, read_upload, signed_in_name, upload_reader_ready
from app_state.widgets import demo_banner, french_file_uploader, grid_columns, paged_table, screen_css, stale_notice

__all__ = [
    "calendar_file", "check_report", "plan_review", "may_record", "record_section",
    "bilan_for", "bilan_pdf_when_asked", "cycle_glance_for", "cycle_table_for", "outcomes_for", "pertinence_for",
    "show_cycle_glance", "ranking_for",
    "accessibility_script", "show_statement", "sidebar_menu", "agenda_for", "cadence_for", "file_when_asked", "paged_table", "headline_for", "last_imports", "overdue_for", "scope_frames",
    "PageView", "RawDownload", "audit", "auth_mode", "choose_sector", "commit_upload", "current_data",
    "current_import_of", "current_principal", "demo_banner", "demo_reference_date", "enter_as", "evaluation_export",
    "french_file_uploader", "grid_columns", "guarded_export", "import_history", "import_issues", "interval_from_url",
    "is_kiosk", "keep_filters", "kiosk_css", "kiosk_filters", "live_fragment", "login_screen",
    "meeting_pack_when_asked", "metrics_for", "open_problems_history", "page_filters", "page_header", "plan_uploads",
    "principal", "map_figure", "map_summary", "meetings_view", "problems_view", "sector_map_figure", "publish_screen_token", "raw_file_download", "read_upload", "readable",
    "readable_sector_names", "reference", "rejected_rows", "resume_requested_page", "screen_css", "shared_filters",
    "signed_in_name", "slideshow", "stale_notice", "store", "template_download", "tracker_download",
    "upload_reader_ready", "user_box",
]
