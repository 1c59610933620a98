"""Uploaded incident files evaluated in the background, with progress a page can poll.

Why a background job: an EuRepoC CSV of thousands of incidents takes seconds; the upload
answers at once with a page that shows a progress bar (``GET /web/jobs/{id}/progress``) and
the verdicts when they are there. The upload is bounded by the app's body limit
(``limits.request_bytes``) and its incidents by ``limits.request_incidents``; jobs live in
memory, the last ``KEEP`` of them, and a finished job keeps its verdicts (no traces: an
explanation is rebuilt on demand).
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from cybernorms.errors import CybernormsError, LimitExceeded
from cybernorms.model.facts import Incident
from cybernorms.model.verdict import Verdict
from cybernorms.rules.catalog import Rulebooks
from cybernorms.service import evaluating, loading
from cybernorms.service.errors import UnknownName
from cybernorms.service.formats import Detail

KEEP = 20
SUFFIXES = (".yaml", ".yml", ".json", ".csv")


@dataclass
class Job:
    """One uploaded file: its state (``queued``, ``running``, ``done``, ``refused``)."""

    id: str
    filename: str
    state: str = "queued"
    total: int = 0
    done: int = 0
    incidents: list[Incident] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    reason: str = ""
    detail: str = ""

    def progress(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "reason": self.reason,
            "detail": self.detail,
        }

    def incident(self, incident_id: str) -> Incident:
        for inc in self.incidents:
            if inc.id == incident_id:
                return inc
        raise UnknownName(f"no incident {incident_id!r} in upload {self.filename!r}")


class Jobs:
    """The jobs of one app (thread-safe; the oldest forgotten past ``KEEP``)."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, filename: str) -> Job:
        job = Job(uuid.uuid4().hex, filename)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            found = self._jobs.get(job_id)
        if found is None:
            raise UnknownName(f"no upload {job_id!r} (uploads are kept while in memory)")
        return found


def run(
    job: Job, data: bytes, books: Rulebooks, max_incidents: int, service_lock: threading.Lock
) -> None:
    """Load the uploaded bytes as the file they claim to be, then evaluate incident by
    incident, counting progress. A refusal (a bad file, too many incidents) ends the job
    with its reason, shown on the job's page. ``service_lock`` is held around each call into
    the service (``Context.service_lock``), one incident at a time, so other requests are
    served between them."""
    scratch = ""
    try:
        suffix = Path(job.filename).suffix.lower()
        if suffix not in SUFFIXES:
            raise UnknownName(
                f"{job.filename!r}: not an incident file (one of {', '.join(SUFFIXES)})"
            )
        with tempfile.TemporaryDirectory(prefix="cybernorms-upload-") as tmp:
            scratch = str(Path(tmp) / f"upload{suffix}")
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            with service_lock:
                loaded = loading.load_incident_inputs([path])
        job.skipped = [
            f"{len(s.rejected)} row(s) not imported: " + "; ".join(map(str, s.rejected[:5]))
            for s in loaded.skipped
        ]
        if len(loaded.incidents) > max_incidents:
            raise LimitExceeded(
                "request_incidents", max_incidents, job.filename, f"{len(loaded.incidents)} found"
            )
        job.incidents = loaded.incidents
        job.total = len(loaded.incidents)
        job.state = "running"
        with service_lock:
            chosen = evaluating.setup(books, positions=[p.state for p in books.positions])
        for incident in loaded.incidents:
            with service_lock:
                job.verdicts.extend(
                    evaluating.evaluate(chosen, [incident], as_of=None, detail=Detail.missing)
                )
            job.done += 1
        job.state = "done"
    except CybernormsError as exc:
        job.state = "refused"
        job.reason = exc.refusal
        # problems name the scratch copy's path: name the uploaded file instead
        job.detail = str(exc).replace(scratch, job.filename) if scratch else str(exc)
