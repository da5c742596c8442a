-- Applications as they stood on the as-of date: applied date, status,
-- hire and end times, furthest canonical stage and latest offer.
-- * applied_at: the ATS applied_at; for a sourced prospect without one, the
--   date it was added to the job = its first stage stay's entry, else the
--   candidate's created_at.
-- * Applications applied after the as-of date are left out; a rejection,
--   hire or offer resolution after it has not happened yet.
-- * status: hired (latest offer accepted, or hired in the ATS) > withdrew
--   (ended by the candidate) / rejected (ended by the company) > active.
-- * hired_at: the accepted offer's resolution, else the entry of a stage
--   mapped to `hired`, else what the ATS says (hire_evidence_at). Hired in
--   the ATS with none of these (and no offer saying otherwise): hired, hire
--   date unknown (hired_at null, counted by the test hired_without_hire_date).
-- * furthest stage: the highest of the stage history and the ATS current
--   stage, which counts as reached when its entry (int_current_stages_mapped,
--   else the applied date) is on or before the as-of date.
-- * Superseded applications (replaced by another application in the ATS)
--   are left out.
with applications as (
    select * from {{ ref('int_applications_unioned') }}
    where not coalesce(is_superseded, false)
),

candidates as (
    select * from {{ ref('int_candidates_unioned') }}
),

first_stays as (
    -- all stays, so that the applied date does not move with the as-of date
    select
        application_id,
        min(entered_at) as first_entered_at
    from {{ ref('int_stage_stays_unioned') }}
    group by application_id
),

stage_progress as (
    select
        application_id,
        max(canonical_stage_order) as furthest_stage_order,
        min(case when canonical_stage = 'hired' then entered_at end) as hired_stage_entered_at
    from {{ ref('int_stage_stays_mapped') }}
    group by application_id
),

current_stages as (
    select * from {{ ref('int_current_stages_mapped') }}
),

latest_offers as (
    select * from {{ ref('int_offers_latest_per_application') }}
    where is_latest
),

canonical_stages as (
    select * from {{ ref('canonical_stages') }}
),

stage_bounds as (
    select
        min(stage_order) as first_stage_order,
        max(case when canonical_stage = 'hired' then stage_order end) as hired_stage_order
    from canonical_stages
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

joined as (
    select
        applications.*,
        candidates.candidate_key,
        coalesce(applications.applied_at, first_stays.first_entered_at, candidates.created_at)
            as applied_at_resolved,
        stage_progress.furthest_stage_order as history_furthest_stage_order,
        current_stages.canonical_stage_order as current_stage_order,
        -- a prospect without stays or applied date: at the candidate's creation, like applied_at
        coalesce(current_stages.entered_at, candidates.created_at) as current_stage_entered_at,
        latest_offers.offer_outcome,
        latest_offers.resolved_at as offer_resolved_at,
        coalesce(stage_progress.hired_stage_entered_at, applications.hire_evidence_at) as hire_recorded_at,
        case
            when applications.is_hired_in_ats
                then coalesce(stage_progress.hired_stage_entered_at, applications.hire_evidence_at)
        end as ats_hired_at,
        as_of.as_of_date
    from applications
    cross join as_of
    left join candidates on applications.candidate_id = candidates.candidate_id
    left join first_stays on applications.application_id = first_stays.application_id
    left join stage_progress on applications.application_id = stage_progress.application_id
    left join current_stages on applications.application_id = current_stages.application_id
    left join latest_offers on applications.application_id = latest_offers.application_id
),

resolved as (
    select
        joined.*,
        case
            when joined.offer_outcome = 'accepted' then coalesce(joined.offer_resolved_at, joined.hire_recorded_at)
            when cast(joined.ats_hired_at as date) <= joined.as_of_date then joined.ats_hired_at
        end as hired_at,
        (
            joined.offer_outcome = 'accepted'
            or cast(joined.ats_hired_at as date) <= joined.as_of_date
            -- hired in the ATS at a date nothing records
            or (joined.is_hired_in_ats and joined.ats_hired_at is null and joined.offer_outcome is null)
        ) as is_hired,
        -- the current stage is reached on the as-of date: it counts beside the history
        case
            when cast(joined.current_stage_entered_at as date) <= joined.as_of_date
                then joined.current_stage_order
        end as reached_current_stage_order,
        (
            joined.ended_by is not null
            and cast(joined.ended_at as date) <= joined.as_of_date
        ) as is_ended
    from joined
    where cast(joined.applied_at_resolved as date) <= joined.as_of_date
),

with_status as (
    select
        resolved.*,
        case
            when resolved.history_furthest_stage_order is null then resolved.reached_current_stage_order
            when resolved.reached_current_stage_order > resolved.history_furthest_stage_order
                then resolved.reached_current_stage_order
            else resolved.history_furthest_stage_order
        end as furthest_stage_order,
        case
            when resolved.is_hired then 'hired'
            when resolved.is_ended and resolved.ended_by = 'candidate' then 'withdrew'
            when resolved.is_ended then 'rejected'
            else 'active'
        end as status
    from resolved
)

select
    with_status.application_id,
    with_status.source_system,
    with_status.candidate_id,
    with_status.candidate_key,
    with_status.job_id,
    with_status.source_name,
    with_status.is_prospect,
    with_status.applied_at_resolved as applied_at,
    with_status.status,
    case when with_status.status in ('rejected', 'withdrew') then with_status.end_reason end
        as rejection_reason,
    case
        when with_status.status = 'hired' then with_status.hired_at
        when with_status.status in ('rejected', 'withdrew') then with_status.ended_at
    end as ended_at,
    case when with_status.status = 'hired' then with_status.hired_at end as hired_at,
    case when with_status.status = 'hired' then with_status.hired_opening_id end as hired_opening_id,
    canonical_stages.canonical_stage as furthest_stage,
    canonical_stages.stage_order as furthest_stage_order,
    with_status.offer_outcome as offer_status,
    case when with_status.offer_outcome = 'accepted' then with_status.offer_resolved_at end
        as offer_accepted_at,
    -- the current stage when reached on the as-of date, and its assumed entry
    with_status.reached_current_stage_order as current_stage_order,
    case
        when with_status.reached_current_stage_order is not null then with_status.current_stage_entered_at
    end as current_stage_entered_at
from with_status
cross join stage_bounds
inner join canonical_stages
    on canonical_stages.stage_order = case
            -- a hire has reached the last stage; an application without any
            -- stay is in the first stage
            when with_status.status = 'hired' then stage_bounds.hired_stage_order
            else coalesce(with_status.furthest_stage_order, stage_bounds.first_stage_order)
        end
