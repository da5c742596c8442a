{{ ats_csv_staging('candidates') }}
