"""Server-rendered HTML pages of headlinez, served by the API function.

- `headlinez.web.html`: escaping helpers: `safe_url` (the templates' filter), `href`, times, and the
  small element builder the SVG charts use.
- `headlinez.web.svg`: inline charts (sparkline, hourly velocity).
- `headlinez.web.pages`: pure page renderers over `headlinez.views.schemas` models: they shape the
  view and render `headlinez/web/templates/*.html` (Jinja2, autoescaped).
- `headlinez.web.templating`: the Jinja2 environment (strict, compiled once) and its whitespace rule.
- `headlinez.web.routes`: the page routes on the API's resolver, with the CSP header.
"""
