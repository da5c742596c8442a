{{ ats_csv_staging('stage_stays') }}
