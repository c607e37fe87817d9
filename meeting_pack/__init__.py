"""The meeting pack: a PDF of a GPO meeting's agenda that works without the app."""
