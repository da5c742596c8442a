-- One row per interview and interviewer: the expected scorecards.
with interviewers as (
    select * from {{ ref('base_greenhouse__interviewers') }}
)

select
    interview_interviewer_id,
    interview_id,
    user_id,
    'greenhouse' as source_system,
    scorecard_id,
    response_status
from interviewers
