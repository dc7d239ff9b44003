"""HTTP edge: authentication, the GraphQL endpoint, request ids."""
