"""Indicators of domain.md, exactly as defined there. Pure: frames and an explicit `as_of` in, values out.

Frames are the normalized frames of `loaders` (and of `store.queries`): dates are
`datetime64`, statuses are codes. Nothing here reads a clock.
"""
