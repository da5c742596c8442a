{{ union_canonical('hiring_team') }}
