-- Leadership positions (level >= 1). Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'positions') }}
