"""French tables the pages show and offer as downloads, built by pure functions from frames and results."""
