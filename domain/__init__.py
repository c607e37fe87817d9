"""The domain layer: vocabularies, reference data, the issue catalogue, access rules and the indicators.

Pure in the sense of no I/O beyond reading the reference data: no Streamlit, no store, no page file (it uses
pandas, numpy and shapely). Loaders, the store and the pages all depend on it; it depends on none of them
(tests/test_layers.py).
"""
