{{ union_canonical('offers') }}
