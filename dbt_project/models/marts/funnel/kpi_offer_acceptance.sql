-- Offer acceptance over each application's latest offer (superseded versions
-- left out): accepted and declined by the month/quarter resolved (an accepted
-- offer without a timestamp: the hire date), pending (not answered on the
-- as-of date) by the month/quarter sent.
with latest_offers as (
    select * from {{ ref('int_offers_latest_per_application') }}
    where is_latest
),

applications as (
    select * from {{ ref('fct_applications') }}
),

offers as (
    select
        applications.department,
        applications.source_system,
        latest_offers.offer_outcome,
        case
            when latest_offers.offer_outcome = 'pending' then latest_offers.sent_date
            when latest_offers.offer_outcome = 'accepted'
                then coalesce(cast(latest_offers.resolved_at as date), applications.hired_date)
            else cast(latest_offers.resolved_at as date)
        end as event_date
    from latest_offers
    inner join applications on latest_offers.application_id = applications.application_id
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'offers.event_date') }} as period_start,
        {{ kpi_department('offers.department') }} as department,
        {{ kpi_source_system('offers.source_system') }} as source_system,
        offers.offer_outcome
    from offers
    {{ period_grains() }}
    {{ kpi_scopes() }}
    where offers.event_date is not null
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        count(case when offer_outcome = 'accepted' then 1 end) as offers_accepted,
        count(case when offer_outcome = 'declined' then 1 end) as offers_declined,
        count(case when offer_outcome = 'pending' then 1 end) as offers_pending
    from periods
    group by period_grain, period_start, department, source_system
)

select
    period_grain,
    period_start,
    department,
    source_system,
    offers_accepted,
    offers_declined,
    cast(offers_accepted as double) / nullif(offers_accepted + offers_declined, 0) as acceptance_rate,
    offers_pending
from counted
