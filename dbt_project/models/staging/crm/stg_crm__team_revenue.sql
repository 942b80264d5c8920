-- Monthly revenue of a leader's team. Columns, kind and key: lpss_pipeline/contract.
-- owner_email_normalized: the loader's e-mail key (lpss_pipeline/contract/emails.py), joined to employees.
{{ stage('crm', 'team_revenue') }}
