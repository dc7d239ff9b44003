"""Spreadsheet and accounting files built from customer data (no GraphQL, no database)."""
