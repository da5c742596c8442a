-- PLACEHOLDER, zero rows: the exact input schema of the statistics step's
-- program effect (docs/statistics.md) until the practice marts build the real
-- model, which replaces this file. The statistics step then reports
-- "not enough data" for every practice x outcome.
select
    cast(null as varchar) as opening_id,
    cast(null as varchar) as department,
    cast(null as varchar) as hiring_manager_id,
    cast(null as boolean) as practiced,
    cast(null as boolean) as licensed_at_open,
    cast(null as boolean) as intake_on_time,
    cast(null as boolean) as retro_prev_fill,
    cast(null as boolean) as talk_share_ok,
    cast(null as integer) as time_to_fill_days,
    cast(null as integer) as time_to_hire_days,
    cast(null as double) as quality_of_hire,
    cast(null as bigint) as offer_accepted_n,
    cast(null as bigint) as offer_declined_n,
    cast(null as bigint) as nps_promoters_n,
    cast(null as bigint) as nps_detractors_n,
    cast(null as bigint) as nps_responses_n
where 1 = 0
