"""Files the app writes for people to open in a spreadsheet (`xlsx`): text that came from uploads can never become a
formula there. Below loaders/ and store/, which write some (filled trackers, the journal, the evaluation export)."""
