"""Reports of verdicts for people and spreadsheets: CSV and markdown tables (``tables``), a
self-contained HTML report (``html``), Parquet (``columnar``, needs pyarrow).

Why a package of its own: the CLI and the HTTP API write the same reports; each writer takes
verdict records (``service.selecting.record``: the output contract plus the incident's name,
start date and victims), so no writer evaluates anything, and only the standard library is
needed except for Parquet.
"""
