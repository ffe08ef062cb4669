"""Pages for people and the linked-data answers of every IRI: server-rendered HTML, no script."""
