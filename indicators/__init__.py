"""Indicators and goals: the curated catalogue, progress assessment and relative position."""
