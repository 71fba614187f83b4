"""Briefs under a no-invention contract: evidence, generation, claim-by-claim fact-checking.

Every module here is pure (no boto3, httpx or anthropic): models, errors and the rules. The steps
of the Step Functions flow are `headlinez.services.briefs`, against the brief ports of
`headlinez.ports`; `headlinez.wiring.brief_steps` wires them for the flow's Lambdas
(`functions/brief_*`) to `headlinez.adapters.brief_store` (DynamoDB) and, when an API key is
configured, `headlinez.adapters.claude`. This package module imports nothing, so the cluster and
API functions can use `headlinez.briefs.models` cheaply.
"""
