{#- dbt.dateadd on Spark. dbt-spark adds through unix seconds, dropping the
    fraction of a second (an interview ending `duration` minutes after a start
    at 06:00:00.2 ended at 06:45:00, not 06:45:00.2 as on DuckDB).
    timestampadd (Spark 3.3+) adds every unit exactly and, like DuckDB, keeps
    a month's addition within the shorter month (Jan 31 + 1 month = Feb 28). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) %}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{% endmacro %}
