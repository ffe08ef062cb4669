"""Evidence Graph's interfaces: command line, GraphQL schema and HTTP app, built on ``graph``."""
