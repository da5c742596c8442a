{{ ats_csv_staging('applications') }}
