"""The GraphQL API: types mirroring the SHACL shapes, batched resolvers, limits and errors."""

#: Where the API serves GraphQL (the route, the response cache and the media-type middleware).
PATH = "/graphql"
