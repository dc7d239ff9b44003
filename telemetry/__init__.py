"""What operators see of a running server: metrics and structured logs.

Imported from every layer (like settings), so it imports none of them.
"""
