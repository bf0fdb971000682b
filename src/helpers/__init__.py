"""Helpers for the ISF briefing: data validation, cleaning, analysis, charts, rendering and the build."""
