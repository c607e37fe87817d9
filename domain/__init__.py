"""The domain layer: vocabularies, reference data, the issue catalogue and (later) indicators.

Pure Python, no Streamlit. Loaders, the store and the pages all depend on it; it
depends on none of them.
"""
