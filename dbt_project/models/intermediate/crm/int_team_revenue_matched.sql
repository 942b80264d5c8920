-- CRM team revenue joined to HRIS employees by normalised e-mail (lower-cased, trimmed).
-- Grain: owner employee x month. Rows whose e-mail matches no employee are in int_team_revenue_unmatched.
with revenue as (
    select * from {{ ref('stg_crm__team_revenue') }}
),

employees as (
    select employee_id, email_normalized from {{ ref('stg_hris__employees') }}
),

joined as (
    select
        employees.employee_id,
        revenue.month,
        revenue.revenue,
        revenue.revenue_target,
        revenue.pipeline_value,
        revenue.closed_deals,
        revenue.owner_email,
        revenue.source_batch_id
    from revenue
    inner join employees on employees.email_normalized = revenue.owner_email_normalized
)

-- Two CRM spellings of one address (case, spaces) are one owner: add them up.
select
    employee_id,
    month,
    sum(revenue) as revenue,
    sum(revenue_target) as revenue_target,
    sum(pipeline_value) as pipeline_value,
    sum(closed_deals) as closed_deals,
    count(*) as crm_rows,
    max(source_batch_id) as source_batch_id
from joined
group by employee_id, month
