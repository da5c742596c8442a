{{ ats_csv_staging('openings') }}
