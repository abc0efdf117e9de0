"""The Streamlit app shell: login, role-based navigation, language, refresh status."""
