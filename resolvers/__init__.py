"""Thin resolvers: GraphQL input -> domain call -> payload."""
