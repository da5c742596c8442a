{{ union_canonical('candidates') }}
