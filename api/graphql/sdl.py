"""The GraphQL schema as files for clients: its SDL and the possible types of its abstract types.

    python -m api.graphql.sdl > api/schema.graphql
    python -m api.graphql.sdl --possible-types > api/possible-types.json

``make schema`` writes both; tests compare them with the live schema. Apollo Client needs the
possible types (``new InMemoryCache({ possibleTypes })``) to read fragments on interfaces such
as ``... on Claim`` under ``search`` or ``node``; the server also serves them at
``/graphql/possible-types``.
"""

import json
import sys

from graphql import GraphQLSchema, is_abstract_type

from api.graphql.schema import schema


def sdl() -> str:
    """The schema in GraphQL SDL, ending with a newline."""
    return str(schema).rstrip("\n") + "\n"


def possible_types(graphql_schema: GraphQLSchema | None = None) -> dict[str, list[str]]:
    """Each interface and union of the schema -> the object types it may be, sorted.

    >>> possible_types()["Claim"][:2]
    ['ContraindicationStatement', 'IndicationStatement']
    """
    built = graphql_schema or schema._schema
    return {
        name: sorted(t.name for t in built.get_possible_types(kind))
        for name, kind in sorted(built.type_map.items())
        if is_abstract_type(kind) and not name.startswith("__")
    }


def possible_types_json() -> str:
    """:func:`possible_types` as the JSON file clients load, ending with a newline."""
    return json.dumps(possible_types(), indent=2) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(possible_types_json() if "--possible-types" in sys.argv[1:] else sdl(), end="")
