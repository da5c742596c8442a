{{ union_canonical('scorecards') }}
