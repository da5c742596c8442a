{{ ats_csv_staging('stages') }}
