"""Page sizes of every list in the schema (Relay connections): one place for both numbers."""

#: Items in a page when ``first`` is not given.
DEFAULT_PAGE = 50
#: The largest ``first`` a list accepts.
MAX_PAGE = 500
