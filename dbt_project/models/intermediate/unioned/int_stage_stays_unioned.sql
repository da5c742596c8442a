{{ union_canonical('stage_stays') }}
