{{ union_canonical('interviews') }}
