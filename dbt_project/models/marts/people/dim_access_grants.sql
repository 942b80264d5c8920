-- Who may read whose data (SPEC section 9), one row per viewer x subject x scope, with what each
-- grant allows. A view: grants on named people (dim_access_grants_individual) plus every org-wide
-- viewer (dim_access_org_wide_viewers) x every employee but themselves, leavers included,
-- expanded as it is read. A reader filtering on a viewer touches that viewer's rows only;
-- materialised, the org-wide part alone would be executives x headcount rows.
{{ config(materialized='view') }}

with individual as (
    select * from {{ ref('dim_access_grants_individual') }}
),

org_wide as (
    select * from {{ ref('dim_access_org_wide_viewers') }}
),

employees as (
    select * from {{ ref('dim_leaders') }}
),

grants as (
    select viewer_employee_id, subject_employee_id, scope, basis
    from individual

    union all

    select o.viewer_employee_id, e.employee_id, 'full', o.basis
    from org_wide as o
    cross join employees as e
    where e.employee_id <> o.viewer_employee_id
),

final as (
    select
        viewer_employee_id,
        subject_employee_id,
        scope,
        basis,
        scope in ('full', 'self') as can_view_scorecard,
        true as can_view_development,
        basis in ('executive', 'hr_admin') as can_view_succession_and_predictions,
        basis = 'hr_admin' as can_administer
    from grants
)

select * from final
