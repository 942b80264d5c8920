-- Individual development plan milestones. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'idp_milestones') }}
