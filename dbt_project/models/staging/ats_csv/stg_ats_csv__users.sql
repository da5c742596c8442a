{{ ats_csv_staging('users') }}
