"""`python -m store …`: the accounts, screen tokens and journal command line lives above the layers, in `cli.admin`."""

from cli.admin import main

raise SystemExit(main())
