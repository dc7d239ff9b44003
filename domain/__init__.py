"""Domain rules of the customer master data. Nothing here knows about GraphQL or HTTP."""
