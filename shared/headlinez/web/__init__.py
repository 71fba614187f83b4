"""Server-rendered HTML pages of headlinez, served by the API function.

- `headlinez.web.html`: the escaping HTML builder (the only way feed text reaches a page).
- `headlinez.web.svg`: inline charts (sparkline, hourly velocity).
- `headlinez.web.pages`: pure page renderers over `headlinez.api.schemas` models.
- `headlinez.web.routes`: the page routes on the API's resolver, with the CSP header.
"""
