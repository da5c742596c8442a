{{ ats_csv_staging('hiring_team') }}
