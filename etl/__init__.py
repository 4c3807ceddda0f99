"""ETL: Kolada's REST API v3 → the dashboard's database."""
