-- Every person employed during the export window, current state. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'employees', extra_columns=['lower(trim(email)) as email_normalized']) }}
