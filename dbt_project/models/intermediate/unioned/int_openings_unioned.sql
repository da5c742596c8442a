{{ union_canonical('openings') }}
