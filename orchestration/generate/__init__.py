"""A deterministic synthetic export: Greenhouse Harvest objects, Lever API
objects and HR CSVs.

`generate_export` simulates an 18-month hiring history (2025-05-01 to
2026-10-31) for a mid-sized company and writes it in the layout of
docs/export-format.md. A year in, the company bought a smaller one whose
departments keep hiring on Lever: their jobs go through the same simulation and
come out as Lever objects, everything else as Greenhouse objects, and the HR
files point into both through `source_system`. The same seed and size always
give the same bytes: all randomness comes from numpy Generators seeded from the
seed, and nothing reads the clock.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import numpy as np

from orchestration.ingest.pii import DEMO_EXPORT_MARKER

from . import records
from .applications import assign_candidates, simulate_applications, truncate
from .company import DEPARTMENTS, build_company
from .interviews import schedule_interviews, talk_time
from .lever import Refs, build_refs, lever_objects
from .offers import offer_records
from .openings import build_openings, job_close_times
from .parallel import beside
from .people_files import build_people_files
from .times import END, NULL
from .writer import (
    write_csv,
    write_json_array,
    write_json_lines,
    write_json_pages,
    write_lever_page,
    write_lever_page_lines,
    write_lever_pages,
)

__all__ = ["DEMO_APPLICATIONS", "generate_export"]

# The committed demo (seeds/demo): big enough for the program effect's intervals to be
# informative (about 470 filled openings), kept under 5 MB by compressing its files.
DEMO_APPLICATIONS = 10000


def generate_export(
    out_dir: Path,
    applications: int = DEMO_APPLICATIONS,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    compress: bool = False,
) -> dict[str, int]:
    """Write an export to `out_dir`; return the rows written per file (relative path,
    without `.gz`). With `compress`, every data file is written gzip-compressed
    (`applications.json.gz`), byte for byte the same for the same seed and size."""
    say = progress or (lambda _message: None)
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)

    say("company: departments, users, jobs, interview plans")
    company = build_company(rng, applications)
    say(f"funnel: {applications} applications")
    apps = simulate_applications(company, applications, rng)
    closed_at = job_close_times(company.jobs, apps, rng)
    job_cutoff = np.where(closed_at == NULL, END, closed_at)
    cutoff = np.where(apps.has_job, job_cutoff[np.maximum(apps.job, 0)], END)
    truncate(apps, cutoff, apps.has_job & (closed_at[np.maximum(apps.job, 0)] != NULL))
    assign_candidates(apps, company.jobs.lever, rng)
    openings = build_openings(company.jobs, apps, closed_at, rng)
    say("interviews, scorecards, talk time")
    ivs = schedule_interviews(company, apps, rng)
    talk = talk_time(company, apps, ivs, rng)
    # Lever ids come from their own generator, so they never shift the simulation's draws.
    refs = build_refs(company, apps, openings, ivs, np.random.default_rng([seed, 1]))
    people = build_people_files(company, apps, ivs, talk, openings, closed_at, refs, rng)

    say("building and writing Harvest, Lever and HR files, two processes at once")
    for folder in ("greenhouse", "lever", "people"):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    files = _Files(out_dir, compress, _GreenhouseFilter(company, apps, refs))
    last_activity = apps.last_activity()

    def applicants() -> dict[str, int]:
        # Every draw of `rng` left happens here, in the order it always has: the same
        # seed gives the same bytes whichever process writes the file.
        files.greenhouse(
            "candidates", write_json_array, records.candidates(apps, last_activity, rng)
        )
        files.greenhouse("demographics", write_json_array, records.demographics(apps, rng))
        files.greenhouse(
            "applications", write_json_pages, records.applications(company, apps, last_activity)
        )
        files.greenhouse(
            "application_stages", write_json_lines, records.application_stages(company, apps)
        )
        return files.written

    def the_rest() -> dict[str, int]:
        interviews, scorecards = records.scheduled_interviews(company, apps, ivs)
        files.greenhouse("scheduled_interviews", write_json_array, interviews)
        files.greenhouse("scorecards", write_json_array, scorecards)
        del interviews, scorecards
        job_activity = np.full(company.jobs.id.size, NULL, dtype=np.int64)
        np.maximum.at(job_activity, apps.job[apps.has_job], last_activity[apps.has_job])
        jobs = records.jobs(company, apps, openings, closed_at, job_activity)
        files.greenhouse("jobs", write_json_array, jobs)
        files.greenhouse("job_stages", write_json_array, records.job_stages(company))
        files.greenhouse("offers", write_json_array, offer_records(apps, company.jobs, openings))
        files.greenhouse("users", write_json_array, records.users(company))
        files.greenhouse("departments", write_json_array, records.departments())
        files.greenhouse("offices", write_json_array, records.offices())
        files.greenhouse("sources", write_json_array, records.sources())
        files.greenhouse("rejection_reasons", write_json_array, records.rejection_reasons())
        lever = lever_objects(
            company,
            apps,
            ivs,
            openings,
            closed_at,
            last_activity,
            refs,
            np.random.default_rng([seed, 2]),
        )
        for name, rows in lever.items():
            files.write(f"lever/{name}.json", LEVER_ENCODING[name], rows)
        for name, (header, rows) in people.items():
            files.write(f"people/{name}.csv", lambda path, r, h=header: write_csv(path, h, r), rows)
        return files.written

    # Both halves read the simulation through fork's copy-on-write memory.
    written = dict(sorted(beside(applicants, the_rest).items()))
    # Marks a synthetic export: the public demo salt is fine for it (no real people).
    (out_dir / DEMO_EXPORT_MARKER).write_text(
        f"A synthetic export written by `hiring generate` ({applications} applications,"
        f" seed {seed}).\n"
    )
    return written


class _Files:
    """Writes the export's files, each once: Greenhouse records without what lives in
    Lever, gzip-compressed when asked; remembers the rows written per file."""

    def __init__(self, out_dir: Path, compress: bool, greenhouse: _GreenhouseFilter) -> None:
        self.out_dir, self.compress, self.filter = out_dir, compress, greenhouse
        self.written: dict[str, int] = {}

    def greenhouse(self, name: str, write: Callable[[Path, list], int], rows: list) -> None:
        self.write(f"greenhouse/{name}.json", write, self.filter.keep(name, rows))

    def write(self, name: str, write: Callable[[Path, list], int], rows: list) -> None:
        self.written[name] = write(self.out_dir / name, rows)
        if self.compress:
            _gzip(self.out_dir / name)


def _gzip(path: Path) -> None:
    """Replace the file by `<name>.gz`; no timestamp or name in the header, so the
    bytes depend on the content only."""
    data = path.read_bytes()
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    path.unlink()


# Each Lever file in one of the shapes people save API responses in (see seeds/README.md).
LEVER_ENCODING: dict[str, Callable[[Path, list[dict]], int]] = {
    "opportunities": write_lever_page_lines,
    "applications": write_lever_pages,
    "postings": write_lever_page,
    "requisitions": write_lever_page,
    "stages": write_lever_page,
    "archive_reasons": write_lever_page,
    "interviews": write_json_lines,
    "feedback": write_json_array,
    "offers": write_lever_pages,
    "users": write_lever_page,
}


class _GreenhouseFilter:
    """Drops what lives in Lever from the Greenhouse records: no job, application,
    candidate, interview, offer or user is in both ATSs."""

    def __init__(self, company, apps, refs: Refs) -> None:
        lever_app = refs.app_lever
        self.apps = set(apps.id[lever_app].tolist())
        self.jobs = set(company.jobs.id[refs.job_lever].tolist())
        self.users = set(company.users.id[refs.user_lever].tolist())
        self.candidates = set(apps.candidate_id[lever_app].tolist())
        self.departments = {d.name for d in DEPARTMENTS if d.ats == "lever"}

    def keep(self, name: str, rows: list[dict]) -> list[dict]:
        by_id = {
            "applications": self.apps,
            "candidates": self.candidates,
            "jobs": self.jobs,
            "users": self.users,
        }
        if name in by_id:
            return [r for r in rows if r["id"] not in by_id[name]]
        if name in ("application_stages", "scheduled_interviews", "scorecards", "offers"):
            return [r for r in rows if r["application_id"] not in self.apps]
        if name == "demographics":  # Lever's EEO data is not generated
            return [r for r in rows if r["application_id"] not in self.apps]
        if name == "job_stages":
            return [r for r in rows if r["job_id"] not in self.jobs]
        if name == "departments":
            return [r for r in rows if r["name"] not in self.departments]
        return rows
