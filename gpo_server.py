"""`python -m gpo_server`: the dashboard served for an intranet from environment variables; the launcher lives above
the layers, in `cli.serve` (`python -m gpo_server --aide` lists the variables)."""

from cli.serve import main

raise SystemExit(main())
