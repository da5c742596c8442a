{{ union_canonical('jobs') }}
