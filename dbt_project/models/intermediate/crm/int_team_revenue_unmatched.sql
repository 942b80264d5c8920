-- CRM revenue rows whose owner e-mail matches no HRIS employee (a data-quality finding, kept
-- visible rather than dropped). Grain: CRM row (owner_email x month).
with revenue as (
    select * from {{ ref('stg_crm__team_revenue') }}
),

employees as (
    select email_normalized from {{ ref('stg_hris__employees') }}
)

select
    revenue.owner_email,
    revenue.owner_email_normalized,
    revenue.month,
    revenue.revenue,
    revenue.revenue_target,
    revenue.source_batch_id
from revenue
where not exists (
    select 1 from employees where employees.email_normalized = revenue.owner_email_normalized
)
