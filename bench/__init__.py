"""The `seed_bench` data set: years of a national network's campaigns, built in bulk on PostgreSQL.

At scale 1: every county with policy history (3 records a county on average) and the real 287(g)
agreements, 300 users, 2,000 campaigns over the states with their whole stage history, 20,000 targets,
50,000 meetings with 400,000 answers, 100,000 deadlines (a fifth overdue), 10,000 records requests,
500 resources and 20,000 assignments. Other scales multiply every synthetic count (the real data stays
as it is); a few minimums keep tiny scales meaningful.

How it is built: rows are made as unsaved model instances (so every field gets its model default) and
streamed into PostgreSQL with COPY (psycopg's `cursor.copy`); ids of rows that others point at are
reserved from the table's sequence first. No row is saved one by one. Everything comes from one
`random.Random(seed)`, reading the real data in a fixed order, and dates count back from the day of
the run, so the same seed on the same day builds the same data (see `fingerprint()`).

What marks bench rows (so a new build replaces an old one and nothing else): campaigns whose summary
starts with BENCH_MARK, users named `bench-…`, resources linked under BENCH_URL, policy records with
BENCH_NOTE, question sets named `Bench: …`, agencies with sources "bench".
"""
