"""Entity mappers of the single table: each one owns its keys (pk, sk, GSI keys) and its item layout.

One module per group of entities, imported on its own (the API's cold start never loads the
brief models). No other module spells a key: the adapters (`dynamodb`, `brief_store`,
`feed_registry`, `lease`) ask these mappers for keys, items and models, and talk to DynamoDB through
`headlinez.adapters.table`.
The layouts are those of the stored data (and of the local stack's `.headlinez/table.jsonl.gz`):
changing a key or an attribute name here is a data migration, not a refactoring.

| entity | pk | sk | gsi1pk / gsi1sk | gsi2pk / gsi2sk | gsi3pk / gsi3sk |
|---|---|---|---|---|---|
| ArticleEntity | ART#{article_id} | A | INGEST#{yyyy-mm-ddThh} / {ingested_at}#{id} | | |
| DedupeAliasEntity | TITLE#{family}#{fp} or GUID#{feed}#{digest} (url: the article item) | K | | | |
| FeedStateEntity | FEED#{feed_id} | STATE | FEEDS / {feed_id} | | |
| FeedConfigEntity | FEED#{feed_id} | CONFIG | FEEDLIST / {feed_id} | | |
| FeedSeedEntity | FEEDSEED | {sha256 of the file's feeds} | | | |
| CycleEntity | CYCLE#{run_time} | META | | | |
| TrendEntity | TREND#{trend_id} | META | TRENDS / {rank} (1) | OPEN / {rank} (2) | CAT#{cat} / {rank} (3) |
| MemberEntity | TREND#{trend_id} | M#{published}#{article_id} | | | |
| BriefEntity | TREND#{trend_id} | BRIEF | | | |
| BriefFailureEntity | BRIEFLOG#{trend_id} | FAILURE | | | |
| TokenBudgetEntity | BUDGET | {yyyy-mm-dd} | | | |
| ModelPauseEntity | BUDGET | MODEL_PAUSE | | | |
| ClusterDocEntity | CLUSTER | DF, CHECKPOINT, BACKLOG, ... | | | |
| PredictionEntity | PRED#{trend_id} | {made_at} | PREDDUE / {due_at}#{trend_id} (until scored) | | |
| TrackRecordEntity | PREDTRACK | ALL | | | |
| LeaseEntity | {name} (the cluster's: CLUSTER) | LEASE | | | |

(1) open and public (2+ newsrooms), (2) open, (3) open, public and with a category.
Sort keys of a trend partition order as BRIEF < M#... < META: the API's detail read relies on it.
"""
