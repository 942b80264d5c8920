-- Monthly competency ratings. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'competency_assessments') }}
