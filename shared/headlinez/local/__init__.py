"""The local stack (`headlinez up`): moto, schedules, feed-folder server, API bridge, Step Functions.

Development only: nothing in production imports it (import-linter contract `dev-only`).
"""
