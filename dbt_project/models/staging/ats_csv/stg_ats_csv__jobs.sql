{{ ats_csv_staging('jobs') }}
