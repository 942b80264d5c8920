-- Monthly revenue of a leader's team. Columns, kind and key: lpss_pipeline/contract.
{{ stage('crm', 'team_revenue', extra_columns=['lower(trim(owner_email)) as owner_email_normalized']) }}
