"""The GraphQL API: types mirroring the SHACL shapes, batched resolvers, limits and errors."""
