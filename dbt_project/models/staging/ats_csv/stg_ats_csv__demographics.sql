{{ ats_csv_staging('demographics') }}
