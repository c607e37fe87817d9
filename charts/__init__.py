"""Pure plotly figure builders: frames in, figures out, no streamlit."""
