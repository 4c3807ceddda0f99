"""ETL: Kolada's REST API v3 → the dashboard's database.

- :mod:`etl.config`: settings from ``KOLADA_*`` environment variables, explicit ones winning.
- :mod:`etl.kolada`: the polite HTTP client and the ``fetch_*`` generators (extract).
- :mod:`etl.transform`: checking and parsing Kolada's JSON (pure functions).
- :mod:`etl.store`: saving into the database with exact change counts (load).
- :mod:`etl.refresh`: one run = fetch and check everything, then one transaction.
- :mod:`etl.cli`: ``python -m etl refresh | status | load``.
"""
