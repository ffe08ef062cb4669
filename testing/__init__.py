"""What the tests and the benchmarks share: the scale generator, the fixed queries, a SPARQL server.

Neither tests/ nor bench/ imports the other; both import this.
"""
