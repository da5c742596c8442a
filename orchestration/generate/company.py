"""The synthetic company: org chart, users, jobs with their interview plans, and
the habits of each hiring manager.

Manager habits (License to Hire training, intake discipline, how much they talk
in interviews, scorecard promptness, retrospectives) are drawn here as traits.
Outcomes are never drawn here: the funnel, offer and people modules turn a job's
practices into durations and probabilities, so any link between practice and
outcome in the data comes out of that process, with noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .names import FIRST_NAMES, LAST_NAMES
from .times import DAY, END, HOUR, NULL, START, business_moment, epoch

# First id of each object type: disjoint ranges make a mixed-up reference fail loudly.
ID_BASE = {
    "department": 10_001,
    "office": 20_001,
    "source": 30_001,
    "rejection_reason": 40_001,
    "close_reason": 45_001,
    "user": 400_001,
    "job": 600_001,
    "opening": 700_001,
    "job_stage": 3_000_001,
    "stage_interview": 4_000_001,
    "candidate": 10_000_001,
    "application": 20_000_001,
    "scheduled_interview": 30_000_001,
    "scorecard": 40_000_001,
    "offer": 50_000_001,
}

# (name, location, UTC offset in minutes). Offsets are fixed per office.
OFFICES = (
    ("San Francisco", "San Francisco, CA, United States", -480),
    ("New York", "New York, NY, United States", -300),
    ("London", "London, United Kingdom", 0),
    ("Berlin", "Berlin, Germany", 60),
    ("Bangalore", "Bengaluru, Karnataka, India", 330),
)
OFFICE_OFFSETS = np.array([o[2] for o in OFFICES])


@dataclass(frozen=True)
class StageKind:
    pass_rate: float  # relative chance of moving on (rescaled per plan)
    median_days: float  # typical stay before the next step
    skip_rate: float  # share of applications that jump over this stage
    interviews: tuple[str, ...]  # interviews on the plan, one scheduled interview each
    conducted_by: str  # recruiter | hiring_manager | panel | executive | "" (no interview)
    minutes: int = 45


# Every stage name any job uses, with how it behaves. The dbt stage mapping
# seed must cover each of these names (listed in seeds/README.md).
STAGES: dict[str, StageKind] = {
    "Application Review": StageKind(0.30, 3, 0.0, (), ""),
    "Preliminary Phone Screen": StageKind(
        0.60, 4, 0.08, ("Preliminary Screening Call",), "recruiter", 30
    ),
    "Recruiter Screen": StageKind(0.60, 4, 0.08, ("Recruiter Screen",), "recruiter", 30),
    "Phone Interview": StageKind(0.55, 5, 0.05, ("Phone Interview",), "hiring_manager"),
    "Hiring Manager Screen": StageKind(0.55, 5, 0.05, ("Hiring Manager Screen",), "hiring_manager"),
    "Take Home Assignment": StageKind(0.60, 7, 0.12, (), ""),
    "Technical Interview": StageKind(0.50, 5, 0.05, ("Technical Interview",), "panel", 60),
    "Face to Face": StageKind(0.50, 7, 0.0, ("Culture Fit", "Skills Interview"), "panel", 60),
    "Onsite": StageKind(0.45, 7, 0.0, ("System Design", "Values Interview"), "panel", 60),
    "Panel Interview": StageKind(0.50, 7, 0.0, ("Panel Interview",), "panel", 60),
    "Executive Interview": StageKind(0.75, 4, 0.10, ("Executive Interview",), "executive", 30),
    "Reference Check": StageKind(0.92, 4, 0.30, (), ""),
    "Offer": StageKind(1.0, 2, 0.0, (), ""),
}
STAGE_NAMES = tuple(STAGES)

# Interview plans: Greenhouse's default plan and the variants departments use.
INTERVIEW_PLANS: dict[str, tuple[str, ...]] = {
    "default": (
        "Application Review",
        "Preliminary Phone Screen",
        "Phone Interview",
        "Face to Face",
        "Reference Check",
        "Offer",
    ),
    "engineering": (
        "Application Review",
        "Recruiter Screen",
        "Hiring Manager Screen",
        "Take Home Assignment",
        "Technical Interview",
        "Onsite",
        "Offer",
    ),
    "product": (
        "Application Review",
        "Recruiter Screen",
        "Hiring Manager Screen",
        "Panel Interview",
        "Executive Interview",
        "Reference Check",
        "Offer",
    ),
    "design": (
        "Application Review",
        "Preliminary Phone Screen",
        "Take Home Assignment",
        "Panel Interview",
        "Offer",
    ),
    "customer_success": (
        "Application Review",
        "Recruiter Screen",
        "Phone Interview",
        "Face to Face",
        "Offer",
    ),
    # The acquired company's plans: both walk Lever's one account-wide pipeline
    # (lever.LEVER_PIPELINE), skipping the stages a posting does not use.
    "lever_technical": (
        "Application Review",
        "Recruiter Screen",
        "Phone Interview",
        "Technical Interview",
        "Onsite",
        "Reference Check",
        "Offer",
    ),
    "lever_services": (
        "Application Review",
        "Recruiter Screen",
        "Phone Interview",
        "Onsite",
        "Offer",
    ),
}
MAX_PLAN_LENGTH = max(len(p) for p in INTERVIEW_PLANS.values())
# Share of applications that reach the Offer stage, whatever the plan's length.
REACH_OFFER = 0.06
# Effect sizes, kept to what hiring programs report (practiced openings fill roughly
# 15-30% faster): how much a job's practices shorten its stage stays and bring its
# applicants in sooner (applications.ARRIVAL_SPEED_POWER),
# speed = exp(-SPEED_EFFECT * (practice - 0.5) - RETRO_SPEED_EFFECT * (retro - 0.5)).
SPEED_EFFECT = 0.65
# A manager who reviews each finished search runs the next one a little faster.
RETRO_SPEED_EFFECT = 0.2


@dataclass(frozen=True)
class Department:
    name: str
    parent: str | None
    plan: str
    share_of_jobs: float
    titles: tuple[str, ...]
    ats: str = "greenhouse"  # the ATS the department hires through
    teams: tuple[str, ...] = ()  # Lever posting categories.team


DEPARTMENTS = (
    Department(
        "Engineering",
        None,
        "engineering",
        0.30,
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Data Engineer",
            "Site Reliability Engineer",
            "Engineering Manager",
            "Frontend Engineer",
            "Machine Learning Engineer",
        ),
    ),
    Department(
        "Product",
        None,
        "product",
        0.12,
        ("Product Manager", "Senior Product Manager", "Product Analyst"),
    ),
    Department(
        "Design", "Product", "design", 0.10, ("Product Designer", "UX Researcher", "Brand Designer")
    ),
    Department(
        "Sales",
        None,
        "default",
        0.20,
        (
            "Account Executive",
            "Sales Development Representative",
            "Sales Engineer",
            "Regional Sales Director",
        ),
    ),
    Department(
        "Marketing",
        None,
        "default",
        0.13,
        (
            "Content Marketing Manager",
            "Growth Marketer",
            "Product Marketing Manager",
            "Marketing Operations Specialist",
        ),
    ),
    Department(
        "Customer Success",
        None,
        "customer_success",
        0.15,
        (
            "Customer Success Manager",
            "Support Engineer",
            "Implementation Consultant",
            "Support Specialist",
        ),
    ),
    # The acquired company: its departments keep hiring on Lever after the acquisition.
    Department(
        "Data Science",
        None,
        "lever_technical",
        0.14,
        (
            "Data Scientist",
            "Senior Data Scientist",
            "Machine Learning Scientist",
            "Analytics Engineer",
        ),
        ats="lever",
        teams=("Machine Learning", "Analytics"),
    ),
    Department(
        "Professional Services",
        None,
        "lever_services",
        0.10,
        ("Implementation Engineer", "Solutions Consultant", "Technical Account Manager"),
        ats="lever",
        teams=("Implementation", "Solutions Consulting"),
    ),
)
DEPT_LEVER = np.array([d.ats == "lever" for d in DEPARTMENTS])
# A year into the 18 months the company bought a smaller one that runs Lever; its
# departments open their first postings a few weeks later and never use Greenhouse.
ACQUIRED_AT = epoch("2026-05-01T00:00:00")
LEVER_FIRST_OPEN_DAYS = 28  # from the acquisition to the earliest Lever posting going live
EMAIL_DOMAIN = {"greenhouse": "example-company.com", "lever": "example-northwind.com"}
EVERGREEN = ("Sales", "Account Executive (Evergreen Pipeline)")

# (name, type, share of applications, odds multiplier for passing a stage)
SOURCES = (
    ("Careers page", "Company Marketing", 0.30, 1.0),
    ("LinkedIn", "Job Board", 0.25, 0.95),
    ("Indeed", "Job Board", 0.15, 0.8),
    ("Referral", "Referral", 0.12, 1.5),
    ("Agency", "Agencies", 0.06, 1.15),
    ("Sourced", "Prospecting", 0.12, 1.25),
)
PROSPECT_SOURCE = "Sourced"

WE_REJECTED, THEY_REJECTED, NONE_SPECIFIED = (
    "We rejected them",
    "They rejected us",
    "None specified",
)
REJECTION_TYPE_IDS = {WE_REJECTED: 1, THEY_REJECTED: 2, NONE_SPECIFIED: 3}
REJECTION_REASONS = (
    ("Lacking skill(s)/qualification(s)", WE_REJECTED),
    ("Not a culture fit", WE_REJECTED),
    ("Underqualified", WE_REJECTED),
    ("Another candidate was selected", WE_REJECTED),
    ("Position filled", WE_REJECTED),
    ("Withdrew - personal reasons", THEY_REJECTED),
    ("Accepted another offer", THEY_REJECTED),
    ("Compensation", THEY_REJECTED),
    ("Not interested in the role", THEY_REJECTED),
    ("Other (add notes below)", NONE_SPECIFIED),
)
OPENING_CLOSE_REASONS = ("Hire - New Headcount", "Hire - Backfill", "Position cancelled")

LICENSE_COURSE = "license_to_hire"
LICENSE_VALID_DAYS = 730
OTHER_COURSES = (("interviewing_essentials", None), ("inclusive_hiring", 365))


@dataclass
class Users:
    id: np.ndarray
    first_name: list[str]
    last_name: list[str]
    role: list[str]  # hiring_manager | recruiter | coordinator | sourcer | interviewer | executive
    department: np.ndarray  # department index, -1 for the talent team
    office: np.ndarray
    created_at: np.ndarray
    scorecard_delay_hours: np.ndarray  # median hours from interview end to scorecard
    lever: np.ndarray  # a user of the acquired company's Lever account, not of Greenhouse

    @property
    def name(self) -> list[str]:
        return [f"{f} {la}" for f, la in zip(self.first_name, self.last_name, strict=True)]

    @property
    def email(self) -> list[str]:
        domains = [EMAIL_DOMAIN["lever" if x else "greenhouse"] for x in self.lever.tolist()]
        return [
            f"{f.lower()}.{la.lower()}.{i % 100_000}@{d}"
            for f, la, i, d in zip(
                self.first_name, self.last_name, self.id.tolist(), domains, strict=True
            )
        ]


@dataclass
class Managers:
    """Traits of each hiring manager (indexed by manager number)."""

    user: np.ndarray  # index into Users
    department: np.ndarray
    license_completed_at: np.ndarray  # NULL: never took License to Hire
    intake_discipline: np.ndarray  # chance of an on-time, structured intake per job
    talk_share: np.ndarray  # typical share of interview talk time
    retro_propensity: np.ndarray


@dataclass
class Jobs:
    id: np.ndarray
    name: list[str]
    department: np.ndarray
    office: np.ndarray
    manager: np.ndarray  # index into Managers
    recruiter: np.ndarray  # index into Users
    coordinator: np.ndarray
    sourcer: np.ndarray
    created_at: np.ndarray
    opened_at: np.ndarray  # NULL for a draft
    window_end: np.ndarray  # when the job planned to stop taking applications
    stays_open: np.ndarray  # planned to still be open when the export is taken
    evergreen: np.ndarray
    draft: np.ndarray
    employment_type: list[str]
    popularity: np.ndarray
    intake_held_at: np.ndarray  # NULL: no intake meeting
    intake_checklist: np.ndarray
    licensed_at_open: np.ndarray
    practice: np.ndarray  # 0..1: licensed at open and structured on-time intake
    speed: np.ndarray  # multiplier on stage durations

    @property
    def lever(self) -> np.ndarray:
        """Jobs of the acquired company's departments: Lever postings."""
        return DEPT_LEVER[self.department]


@dataclass
class JobStages:
    id: np.ndarray
    job: np.ndarray
    kind: list[str]  # stage name, a key of STAGES
    priority: np.ndarray
    pass_prob: np.ndarray
    plan: np.ndarray  # (jobs, MAX_PLAN_LENGTH) stage row per plan position, -1 padding
    interview_id: np.ndarray  # stage interviews, flattened
    interview_stage: np.ndarray  # stage row of each stage interview
    interview_name: list[str]


@dataclass
class Company:
    users: Users
    managers: Managers
    jobs: Jobs
    stages: JobStages
    executives: np.ndarray  # user index of each department's executive
    interviewer_pool: np.ndarray  # (departments, pool size) user indices
    training: list[tuple[int, str, int, int]]  # (user, course, completed_at, expires_at)


def _people(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    return [FIRST_NAMES[i] for i in first], [LAST_NAMES[i] for i in last]


def build_company(rng: np.random.Generator, applications: int) -> Company:
    scale = max(1.0, (applications / 2000) ** 0.5)
    n_depts = len(DEPARTMENTS)
    n_jobs = round(40 * scale)
    jobs_per_dept = np.maximum(
        1, np.round(np.array([d.share_of_jobs for d in DEPARTMENTS]) * n_jobs).astype(int)
    )
    managers_per_dept = np.maximum(2, np.round(jobs_per_dept / 2.7).astype(int))
    pool_size = max(6, round(6 * scale))

    # Users: hiring managers, talent team, executives, interviewer pools.
    roles: list[str] = []
    depts: list[int] = []
    for d in range(n_depts):
        roles += ["hiring_manager"] * int(managers_per_dept[d])
        depts += [d] * int(managers_per_dept[d])
    lever_user: list[bool] = [DEPARTMENTS[d].ats == "lever" for d in depts]
    for role, count in (("recruiter", round(10 * scale)), ("coordinator", 3), ("sourcer", 2)):
        roles += [role] * count
        depts += [-1] * count
        lever_user += [False] * count
    # the acquired company's own talent team, on Lever
    for role, count in (
        ("recruiter", max(2, round(1.5 * scale))),
        ("coordinator", 1),
        ("sourcer", 1),
    ):
        roles += [role] * count
        depts += [-1] * count
        lever_user += [True] * count
    roles += ["executive"] * n_depts
    depts += list(range(n_depts))
    lever_user += DEPT_LEVER.tolist()
    for d in range(n_depts):
        roles += ["interviewer"] * pool_size
        depts += [d] * pool_size
        lever_user += [bool(DEPT_LEVER[d])] * pool_size
    n_users = len(roles)
    user_lever = np.array(lever_user)
    first, last = _people(rng, n_users)
    user_dept = np.array(depts)
    role_arr = np.array(roles)
    office = rng.integers(0, len(OFFICES), n_users)
    created = START - rng.integers(60, 1500, n_users) * DAY + rng.integers(0, DAY, n_users)
    delay = np.exp(rng.normal(np.log(10), 0.6, n_users))  # most interviewers: same or next day

    # Hiring manager traits. Managers who take the course also tend to run structured intakes
    # and to submit scorecards promptly; talk share is a separate habit.
    is_mgr = np.flatnonzero(role_arr == "hiring_manager")
    n_mgr = is_mgr.size
    license_kind = rng.choice(4, n_mgr, p=[0.40, 0.25, 0.10, 0.25])  # before, after, lapsed, never
    trained = license_kind < 2
    discipline = np.clip(0.3 + 0.45 * trained + rng.normal(0, 0.15, n_mgr), 0.05, 0.95)
    talker = rng.random(n_mgr) < 0.3
    talk_share = np.where(talker, rng.uniform(0.62, 0.82, n_mgr), rng.uniform(0.18, 0.4, n_mgr))
    delay[is_mgr] = np.where(trained, rng.uniform(4, 16, n_mgr), rng.uniform(12, 70, n_mgr))
    retro = np.clip(0.2 + 0.55 * trained + rng.normal(0, 0.1, n_mgr), 0.05, 0.95)

    # Jobs: department, office, manager, dates. The last ones opened are still open.
    job_dept = np.repeat(np.arange(n_depts), jobs_per_dept)
    n_jobs = job_dept.size
    mgr_dept = user_dept[is_mgr]
    job_mgr = np.empty(n_jobs, dtype=np.int64)
    for d in range(n_depts):
        slots = np.flatnonzero(job_dept == d)
        own = np.flatnonzero(mgr_dept == d)
        # every manager gets at least one job, the rest at random
        picks = np.concatenate([own, rng.choice(own, max(0, slots.size - own.size))])
        job_mgr[slots] = rng.permutation(picks[: slots.size])
    opened_day = START // DAY + rng.integers(0, 430, n_jobs)
    late = rng.permutation(n_jobs)[: max(3, round(0.12 * n_jobs))]
    opened_day[late] = END // DAY - rng.integers(25, 140, late.size)
    stays_open = np.zeros(n_jobs, dtype=bool)
    stays_open[late] = True
    # The acquired departments open postings only once they are part of the company.
    job_lever = DEPT_LEVER[job_dept]
    # ... and, having started recently, more of them are still open at export time
    stays_open |= job_lever & (rng.random(n_jobs) < 0.35)
    first_lever_day = ACQUIRED_AT // DAY + LEVER_FIRST_OPEN_DAYS
    opened_day = np.where(
        job_lever & ~stays_open,
        first_lever_day + rng.integers(0, 110, n_jobs),
        np.maximum(opened_day, np.where(job_lever, first_lever_day, 0)),
    )
    evergreen = np.zeros(n_jobs, dtype=bool)
    sales = int(np.flatnonzero(job_dept == [d.name for d in DEPARTMENTS].index(EVERGREEN[0]))[0])
    evergreen[sales] = stays_open[sales] = True
    opened_day[sales] = START // DAY + 3
    job_office = np.where(
        rng.random(n_jobs) < 0.5, office[is_mgr][job_mgr], rng.integers(0, len(OFFICES), n_jobs)
    )
    job_offset = OFFICE_OFFSETS[job_office]
    opened = business_moment(
        opened_day * DAY - job_offset * 60, np.zeros(n_jobs, int), job_offset, rng
    )
    created_at = opened - rng.integers(3, 25, n_jobs) * DAY - rng.integers(0, DAY, n_jobs)
    window_end = np.where(
        stays_open, END, np.minimum(opened + rng.integers(50, 230, n_jobs) * DAY, END - 20 * DAY)
    )
    draft = np.zeros(n_jobs, dtype=bool)
    # One requisition still in draft: created near the end, never opened, no applications.
    draft_job = int(np.flatnonzero(~stays_open & (job_dept == 0))[-1])
    draft[draft_job] = True
    created_at[draft_job] = END - 12 * DAY + 10 * HOUR
    opened[draft_job] = NULL
    window_end[draft_job] = NULL

    # License to Hire completions: before the manager's first job, after it, long ago, never.
    first_open = np.array([opened[(job_mgr == m) & ~draft].min(initial=END) for m in range(n_mgr)])
    completed = np.full(n_mgr, NULL, dtype=np.int64)
    offsets = rng.integers(0, DAY, n_mgr)
    completed = np.where(
        license_kind == 0, first_open - rng.integers(5, 150, n_mgr) * DAY - offsets, completed
    )
    completed = np.where(
        license_kind == 1, first_open + rng.integers(30, 220, n_mgr) * DAY + offsets, completed
    )
    completed = np.where(
        license_kind == 2, START - rng.integers(600, 700, n_mgr) * DAY + offsets, completed
    )
    completed = np.where((completed != NULL) & (completed >= END), NULL, completed)
    mgr_completed = completed[job_mgr]
    licensed = (
        (mgr_completed != NULL)
        & (mgr_completed <= opened)
        & (opened < mgr_completed + LICENSE_VALID_DAYS * DAY)
        & ~draft
    )

    # Intake meetings: on time (within 5 days), late, or never held.
    roll = rng.random(n_jobs)
    on_time = roll < discipline[job_mgr]
    held = on_time | (roll < discipline[job_mgr] + 0.6 * (1 - discipline[job_mgr]))
    # a structured manager holds the intake in the first days, before interviews start
    intake_days = np.where(on_time, rng.integers(0, 3, n_jobs), rng.integers(7, 30, n_jobs))
    intake_at = np.where(
        held & ~draft,
        business_moment(opened, intake_days, job_offset, rng, hours=(9, 17)),
        NULL,
    )
    intake_at = np.where(intake_at >= END, NULL, intake_at)
    checklist = np.where(on_time, rng.random(n_jobs) < 0.9, rng.random(n_jobs) < 0.45) & (
        intake_at != NULL
    )
    structured = on_time & checklist & (intake_at != NULL)
    practice = 0.55 * licensed + 0.45 * structured
    speed = np.exp(
        -SPEED_EFFECT * (practice - 0.5)
        - RETRO_SPEED_EFFECT * (retro[job_mgr] - 0.5)
        + rng.normal(0, 0.12, n_jobs)
    )

    # Names: a title from the department's list; repeated titles carry the office.
    names: list[str] = []
    for j in range(n_jobs):
        dept = DEPARTMENTS[job_dept[j]]
        names.append(
            EVERGREEN[1] if evergreen[j] else dept.titles[int(rng.integers(0, len(dept.titles)))]
        )
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[j] = f"{name} - {OFFICES[job_office[j]][0]} {seen[name]}"

    def staff(role: str) -> np.ndarray:
        """One member of the job's own ATS team with this role, per job."""
        gh = np.flatnonzero((role_arr == role) & ~user_lever)
        lv = np.flatnonzero((role_arr == role) & user_lever)
        return np.where(job_lever, rng.choice(lv, n_jobs), rng.choice(gh, n_jobs))

    jobs = Jobs(
        id=ID_BASE["job"] + np.arange(n_jobs),
        name=names,
        department=job_dept,
        office=job_office,
        manager=job_mgr,
        recruiter=staff("recruiter"),
        coordinator=staff("coordinator"),
        sourcer=staff("sourcer"),
        created_at=created_at,
        opened_at=opened,
        window_end=window_end,
        stays_open=stays_open & ~draft,
        evergreen=evergreen,
        draft=draft,
        employment_type=["Contract" if x < 0.08 else "Full-time" for x in rng.random(n_jobs)],
        popularity=np.exp(rng.normal(0, 0.45, n_jobs)) * np.where(evergreen, 3.0, 1.0) * ~draft,
        intake_held_at=intake_at,
        intake_checklist=checklist,
        licensed_at_open=licensed,
        practice=practice,
        speed=speed,
    )
    managers = Managers(
        user=is_mgr,
        department=mgr_dept,
        license_completed_at=completed,
        intake_discipline=discipline,
        talk_share=talk_share,
        retro_propensity=retro,
    )
    users = Users(
        id=ID_BASE["user"] + np.arange(n_users),
        first_name=first,
        last_name=last,
        role=roles,
        department=user_dept,
        office=office,
        created_at=created,
        scorecard_delay_hours=delay,
        lever=user_lever,
    )
    return Company(
        users=users,
        managers=managers,
        jobs=jobs,
        stages=_build_stages(jobs),
        executives=np.flatnonzero(role_arr == "executive"),
        interviewer_pool=np.flatnonzero(role_arr == "interviewer").reshape(n_depts, pool_size),
        training=_training(rng, users, managers),
    )


def _build_stages(jobs: Jobs) -> JobStages:
    """Each job's plan from its department; pass rates rescaled so every plan
    sends about REACH_OFFER of its applications to an offer."""
    ids, job_of, kinds, priority, pass_prob = [], [], [], [], []
    plan = np.full((jobs.id.size, MAX_PLAN_LENGTH), -1, dtype=np.int64)
    iv_stage, iv_name = [], []
    for j in range(jobs.id.size):
        stage_names = INTERVIEW_PLANS[DEPARTMENTS[jobs.department[j]].plan]
        rates = np.array([STAGES[s].pass_rate for s in stage_names[:-1]])
        exponent = np.log(REACH_OFFER) / np.log(rates).sum()
        for pos, name in enumerate(stage_names):
            row = len(ids)
            plan[j, pos] = row
            ids.append(ID_BASE["job_stage"] + row)
            job_of.append(j)
            kinds.append(name)
            priority.append(pos)
            pass_prob.append(1.0 if name == "Offer" else STAGES[name].pass_rate ** exponent)
            for interview in STAGES[name].interviews:
                iv_stage.append(row)
                iv_name.append(interview)
    return JobStages(
        id=np.array(ids),
        job=np.array(job_of),
        kind=kinds,
        priority=np.array(priority),
        pass_prob=np.array(pass_prob),
        plan=plan,
        interview_id=ID_BASE["stage_interview"] + np.arange(len(iv_stage)),
        interview_stage=np.array(iv_stage, dtype=np.int64),
        interview_name=iv_name,
    )


def _training(
    rng: np.random.Generator, users: Users, managers: Managers
) -> list[tuple[int, str, int, int]]:
    """LMS completions: each manager's License to Hire, plus other courses taken by anyone."""
    rows = []
    for m, done in enumerate(managers.license_completed_at.tolist()):
        if done != NULL:
            rows.append(
                (int(managers.user[m]), LICENSE_COURSE, done, done + LICENSE_VALID_DAYS * DAY)
            )
    n = users.id.size
    for course, valid_days in OTHER_COURSES:
        takers = np.flatnonzero(rng.random(n) < 0.35)
        when = (
            START
            + rng.integers(-200, (END - START) // DAY - 1, takers.size) * DAY
            + rng.integers(0, DAY, takers.size)
        )
        for u, t in zip(takers.tolist(), when.tolist(), strict=True):
            if t < END:
                rows.append((u, course, t, t + valid_days * DAY if valid_days else NULL))
    return rows
