"""The SphinxQL engine: a sharded Sphinx or Manticore cluster behind the engine interface."""
