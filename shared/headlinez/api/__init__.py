"""The public JSON API (API Gateway HTTP API + Lambda).

- `headlinez.api.app`: `build_resolver(trends, feeds, settings, clock)`, the Powertools resolver
  (the JSON routes and, from `headlinez.web`, the pages).
- `headlinez.api.security`, `headlinez.api.syndication`: response headers; RSS/Atom.

The read use cases and the response models both the API and the pages use live in
`headlinez.views`. Nothing is imported here, so that a submodule loads without the Powertools
event handler.
"""
