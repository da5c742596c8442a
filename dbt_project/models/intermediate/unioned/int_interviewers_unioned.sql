{{ union_canonical('interviewers') }}
