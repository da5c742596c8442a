-- Offer versions not superseded by a newer one, extended (not a draft), that
-- exist on the as-of date (sent, or created when never sent, on or before it),
-- with the application's latest one flagged (highest version) and its outcome
-- on the as-of date: a resolution after the as-of date has not happened yet,
-- so that offer is pending.
with offers as (
    select * from {{ ref('int_offers_unioned') }}
    where not coalesce(is_superseded, false)
        and coalesce(offer_status, 'pending') != 'draft'
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

visible as (
    select
        offers.*,
        coalesce(offers.sent_date, cast(offers.created_at as date)) as offer_sent_date,
        cast(offers.resolved_at as date) <= as_of.as_of_date as is_resolved_by_as_of
    from offers
    cross join as_of
    where coalesce(offers.sent_date, cast(offers.created_at as date)) <= as_of.as_of_date
)

select
    offer_id,
    application_id,
    job_id,
    opening_id,
    source_system,
    offer_version,
    offer_sent_date as sent_date,
    start_date,
    case when is_resolved_by_as_of then resolved_at end as resolved_at,
    case
        -- an accepted offer without a timestamp is accepted; the hire date
        -- then comes from the ATS
        when offer_status = 'accepted' and (is_resolved_by_as_of or resolved_at is null) then 'accepted'
        when offer_status = 'declined' and is_resolved_by_as_of then 'declined'
        else 'pending'
    end as offer_outcome,
    row_number() over (
        partition by application_id
        order by offer_version desc, created_at desc, offer_id desc
    ) = 1 as is_latest
from visible
