"""The dashboard's pages (Dash Pages, ``pages_folder="layouts"``) and their shared pieces.

Modules starting with ``_`` are shared pieces, not pages.
"""
