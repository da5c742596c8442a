-- Canonical demographics from Lever: this export has no EEO data, so no rows
-- (the columns and types of the contract, for the union).
select
    cast(null as string) as application_id,
    'lever' as source_system,
    cast(null as string) as gender,
    cast(null as string) as race,
    cast(null as string) as veteran_status,
    cast(null as string) as disability_status,
    cast(null as timestamp) as submitted_at
where 1 = 0
