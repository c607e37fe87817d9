"""The command lines, above the layers: `python -m loaders …` (trackers: check, normalize, template, import,
export) and `python -m store …` (accounts, screen tokens, journal). Each opens the store itself when it needs it;
`loaders/__main__.py` and `store/__main__.py` only hand over to `cli.trackers.main` and `cli.admin.main`."""
