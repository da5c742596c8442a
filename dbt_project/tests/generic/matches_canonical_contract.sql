{#- One model has exactly the canonical columns of its entity, with the
    contract's types. The project's own sources are checked all at once by
    tests/assert_staging_models_match_the_canonical_contract.sql; this form is
    for a model of its own (docs/adding-a-source.md). -#}
{% test matches_canonical_contract(model, entity) %}
    {{ canonical_contract_problems([(model, entity)]) }}
{% endtest %}
