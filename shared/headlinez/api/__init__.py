"""The public JSON API (API Gateway HTTP API + Lambda).

- `headlinez.api.app`: `build_resolver(trends, feeds, settings, clock)`, the Powertools resolver.
- `headlinez.api.schemas`: response models and the pure functions that build them (`velocity`).
- `headlinez.api.cursor`: signed, opaque paging cursors.

Nothing is imported here, so that `headlinez.api.cursor` or `.schemas` can be used without
loading the Powertools event handler.
"""
