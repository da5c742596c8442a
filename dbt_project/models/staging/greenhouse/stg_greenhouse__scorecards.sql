-- One row per submitted scorecard. Greenhouse links a scorecard to its
-- scheduled interview only from the interview's side (an interviewer's
-- `scorecard_id`): that link gives interview_id.
with scorecards as (
    select * from {{ ref('base_greenhouse__scorecards') }}
),

scorecard_interviews as (
    select
        scorecard_id,
        min(interview_id) as interview_id
    from {{ ref('base_greenhouse__interviewers') }}
    where scorecard_id is not null
    group by scorecard_id
)

select
    scorecards.scorecard_id,
    scorecards.application_id,
    'greenhouse' as source_system,
    scorecard_interviews.interview_id,
    scorecards.interviewer_user_id,
    scorecards.interview_name,
    scorecards.overall_recommendation,
    scorecards.interviewed_at,
    scorecards.submitted_at,
    scorecards.created_at,
    scorecards.updated_at
from scorecards
left join scorecard_interviews on scorecards.scorecard_id = scorecard_interviews.scorecard_id
