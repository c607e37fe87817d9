"""How every page, chart, slide and PDF looks: one colour-blind-safe palette and the type sizes (`palette`).

Constants only, imported by charts/, briefing/ and meeting_pack/ alike; no project import."""
