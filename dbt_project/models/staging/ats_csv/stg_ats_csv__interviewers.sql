{{ ats_csv_staging('interviewers') }}
