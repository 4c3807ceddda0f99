"""Parts that pages are built from: widgets, figures, tables and page-specific builders.

Dash Pages registers only the modules directly in ``layouts/``; nothing here is a page.
"""
