"""Two ways to answer the same searches: Elasticsearch, and the database when it is absent or down."""
