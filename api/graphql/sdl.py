"""Print the GraphQL schema as SDL: ``python -m api.graphql.sdl > api/schema.graphql``."""

from api.graphql.schema import schema


def sdl() -> str:
    """The schema in GraphQL SDL, ending with a newline."""
    return str(schema).rstrip("\n") + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(sdl(), end="")
