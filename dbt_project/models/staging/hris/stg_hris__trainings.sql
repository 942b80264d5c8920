-- Training assignments. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'trainings') }}
