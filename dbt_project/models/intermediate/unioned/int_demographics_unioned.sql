{{ union_canonical('demographics') }}
