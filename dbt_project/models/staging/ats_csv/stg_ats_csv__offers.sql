{{ ats_csv_staging('offers') }}
