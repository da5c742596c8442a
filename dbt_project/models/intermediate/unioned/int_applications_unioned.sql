{{ union_canonical('applications') }}
