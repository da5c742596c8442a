{{ union_canonical('users') }}
