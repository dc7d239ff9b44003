"""Customers and their addresses: attributes, writes, listing, status, import, deletion."""
