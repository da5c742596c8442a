{{ ats_csv_staging('scorecards') }}
