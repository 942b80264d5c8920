-- Organisation units. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'departments') }}
