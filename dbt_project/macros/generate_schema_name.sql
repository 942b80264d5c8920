{#- Schemas are named for their layer (staging, intermediate, marts, config, history), not
    prefixed with the target schema: BI tools and the published file rely on `marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
