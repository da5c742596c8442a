{{ union_canonical('stages') }}
