"""Evidence Graph's RDF layer: store, loading, validation, queries.

Everything that touches RDF lives here; ``api`` builds on it and nothing here imports ``api``.
"""

__version__ = "0.1.0"
