"""`python -m loaders …`: the trackers' command line lives above the layers, in `cli.trackers`."""

from cli.trackers import main

raise SystemExit(main())
