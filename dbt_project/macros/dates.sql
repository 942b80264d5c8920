{#- Date and time expressions DuckDB and Spark spell differently (issue 20: one project, both
    engines). Formats are given strftime-style, as DuckDB reads them; Spark gets the same pattern in
    its own (Java) letters, so a model states a format once. -#}

{#- Calendar months from `start` to `end` (month boundaries crossed, as DuckDB's datediff('month')
    counts them). dbt-spark's datediff('month') adds one for two month ends (Jan 31 -> Feb 29 is 2). -#}
{% macro month_diff(start, end) -%}
    ((year({{ end }}) - year({{ start }})) * 12 + month({{ end }}) - month({{ start }}))
{%- endmacro %}

{#- The text of a date or timestamp in a strftime format (%Y %m %d %H %M %S %B). -#}
{% macro format_datetime(value, strftime_format) -%}
    {{ return(adapter.dispatch('format_datetime', 'lpss')(value, strftime_format)) }}
{%- endmacro %}

{% macro duckdb__format_datetime(value, strftime_format) -%}
    strftime({{ value }}, '{{ strftime_format }}')
{%- endmacro %}

{% macro spark__format_datetime(value, strftime_format) -%}
    date_format({{ value }}, {{ java_datetime_pattern(strftime_format) }})
{%- endmacro %}

{#- The timestamp a text in a strftime format stands for (e.g. a batch id, '%Y-%m-%dT%H%M%SZ'). -#}
{% macro parse_timestamp(text, strftime_format) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'lpss')(text, strftime_format)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(text, strftime_format) -%}
    strptime({{ text }}, '{{ strftime_format }}')
{%- endmacro %}

{% macro spark__parse_timestamp(text, strftime_format) -%}
    to_timestamp({{ text }}, {{ java_datetime_pattern(strftime_format) }})
{%- endmacro %}

{#- The UTC calendar day of a timestamp with time zone, whatever the session's time zone. -#}
{% macro utc_date(value) -%}
    {{ return(adapter.dispatch('utc_date', 'lpss')(value)) }}
{%- endmacro %}

{% macro duckdb__utc_date(value) -%}
    cast(timezone('UTC', {{ value }}) as date)
{%- endmacro %}

{% macro spark__utc_date(value) -%}
    to_date(to_utc_timestamp({{ value }}, current_timezone()))
{%- endmacro %}

{#- A strftime format as a Spark (Java DateTimeFormatter) pattern, as a SQL string literal: the
    directives lpss uses become pattern letters, every other run of text is quoted. -#}
{% macro java_datetime_pattern(strftime_format) -%}
    {%- set letters = {'Y': 'yyyy', 'm': 'MM', 'd': 'dd', 'H': 'HH', 'M': 'mm', 'S': 'ss', 'B': 'MMMM'} -%}
    {%- set parts = strftime_format.split('%') -%}
    {%- set pattern = namespace(text="'" ~ parts[0] ~ "'" if parts[0] else '') -%}
    {%- for part in parts[1:] -%}
        {%- if part[0] not in letters -%}
            {{ exceptions.raise_compiler_error('No Spark pattern for %' ~ part[0] ~ ' in ' ~ strftime_format) }}
        {%- endif -%}
        {%- set pattern.text = pattern.text ~ letters[part[0]] ~ ("'" ~ part[1:] ~ "'" if part[1:] else '') -%}
    {%- endfor -%}
    "{{ pattern.text }}"
{%- endmacro %}

{#- The type of a wall-clock timestamp without a zone (DuckDB's TIMESTAMP; Spark's TIMESTAMP is an
    instant, read back by DuckDB WITH TIME ZONE). -#}
{% macro naive_timestamp_type() -%}
    {{ return(adapter.dispatch('naive_timestamp_type', 'lpss')()) }}
{%- endmacro %}

{% macro duckdb__naive_timestamp_type() -%}
    timestamp
{%- endmacro %}

{% macro spark__naive_timestamp_type() -%}
    timestamp_ntz
{%- endmacro %}
