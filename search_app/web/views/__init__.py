"""One view module per kind of resource; each serves HTML and its JSON twin."""
