{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- Interviewers are nested in scheduled_interviews.interviewers: one row per
-- interview and interviewer (rename and cast only), read by
-- stg_greenhouse__interviewers and, for the interview a scorecard belongs
-- to, by stg_greenhouse__scorecards.
with source as (
    select * from {{ source('greenhouse', 'scheduled_interviews') }}
),

interviewers as (
    select
        source.id as interview_source_id,
        interviewer.value as interviewer
    from source
    {{ json_array_elements('source.interviewers', 'interviewer') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || interview_source_id || ':' || {{ json_text('interviewer', '$.id') }}
            as interview_interviewer_id,
        'greenhouse:' || interview_source_id as interview_id,
        'greenhouse:' || {{ json_text('interviewer', '$.id') }} as user_id,
        'greenhouse:' || {{ json_text('interviewer', '$.scorecard_id') }} as scorecard_id,
        -- attributes
        {{ json_text('interviewer', '$.response_status') }} as response_status
    from interviewers
)

select * from renamed
