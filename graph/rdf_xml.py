"""What RDF/XML can write: a predicate becomes an XML element name, so its IRI must end in one.

RDF/XML splits a predicate IRI into a namespace and a local name, and the local name must be an
XML NCName (XML 1.0, fifth edition, "Names"; Namespaces in XML, "NCName"). An IRI that ends in
no such name (``http://example.org/1``, ``urn:isbn:123``, ``http://example.org/p/``) has no
RDF/XML form at all; a serializer that is handed one anyway writes XML that does not parse.
"""

#: Code points beyond ASCII that may start an XML name (the NameStartChar production).
_START = (
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x2FF),
    (0x370, 0x37D),
    (0x37F, 0x1FFF),
    (0x200C, 0x200D),
    (0x2070, 0x218F),
    (0x2C00, 0x2FEF),
    (0x3001, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFFD),
    (0x10000, 0xEFFFF),
)
#: Code points beyond those and ASCII that may follow in an XML name (the NameChar production).
_FOLLOW = ((0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040))


def _starts_name(char: str) -> bool:
    if char.isascii():
        return char.isalpha() or char == "_"  # ":" starts an XML name, never an NCName
    code = ord(char)
    return any(low <= code <= high for low, high in _START)


def _in_name(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in "_-."
    code = ord(char)
    return _starts_name(char) or any(low <= code <= high for low, high in _FOLLOW)


def local_name(iri: str) -> str:
    """The longest XML NCName that ends ``iri``: the local name RDF/XML writes it with ('' if none).

    >>> local_name("http://purl.org/dc/terms/title")
    'title'
    >>> local_name("http://www.w3.org/1999/02/22-rdf-syntax-ns#_1")
    '_1'
    >>> local_name("http://example.org/2024-report")  # a name cannot start with a digit or "-"
    'report'
    >>> [local_name(iri) for iri in ["http://example.org/1", "urn:isbn:123", "http://example.org/p/"]]
    ['', '', '']
    """
    start = len(iri)
    while start > 0 and _in_name(iri[start - 1]):
        start -= 1
    while start < len(iri) and not _starts_name(iri[start]):
        start += 1
    return iri[start:]
