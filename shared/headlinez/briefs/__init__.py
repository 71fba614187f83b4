"""Briefs under a no-invention contract: evidence, generation, claim-by-claim fact-checking.

Every module here except `runtime` is pure (no boto3, httpx or anthropic). The Step Functions
flow's Lambdas (`functions/brief_*`) use `runtime` to wire the service to
`headlinez.adapters.brief_store` (DynamoDB) and, when an API key is configured,
`headlinez.adapters.claude`. This package module imports nothing, so the cluster and API
functions can use `headlinez.briefs.models` cheaply.
"""
