{{ ats_csv_staging('interviews') }}
