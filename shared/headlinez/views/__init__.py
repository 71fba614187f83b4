"""The read side shared by the JSON API (`headlinez.api`) and the pages (`headlinez.web`).

- `headlinez.views.reads`: the read use cases (`ApiReads`) over the storage ports.
- `headlinez.views.schemas`: response models and the pure functions that build them (`velocity`).
- `headlinez.views.cursor`: signed, opaque paging cursors.
- `headlinez.views.briefs`: a trend's brief as the API and the page show it.

It imports neither `api` nor `web`, so both can import it without a cycle.
"""
