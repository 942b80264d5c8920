-- Talent-review readiness calls. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'readiness_assessments') }}
