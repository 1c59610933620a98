"""EuRepoC Global Database 1.1 -> incidents in fact schema v2 (issue 2 item 6, issue 8 item 6).

``import_eurepoc(path)`` reads the CSV; see ``reader`` for what fails how, ``mapping`` for
which columns are facts and which are the coders' judgement, ``vocab`` and ``countries`` for
the vocabulary tables.
"""

from cybernorms.ingest.eurepoc.mapping import ID_PREFIX, JUDGEMENT_COLUMNS, REQUIRED_COLUMNS
from cybernorms.ingest.eurepoc.reader import (
    EurepocImport,
    RejectedRow,
    RowNote,
    companions,
    import_eurepoc,
)

__all__ = [
    "ID_PREFIX",
    "JUDGEMENT_COLUMNS",
    "REQUIRED_COLUMNS",
    "EurepocImport",
    "RejectedRow",
    "RowNote",
    "companions",
    "import_eurepoc",
]
