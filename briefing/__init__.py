"""The briefing screen: slides built from a meeting agenda or from the département's figures (pure HTML, escaped)."""
