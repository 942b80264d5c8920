-- Quarterly team engagement survey per leader. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'engagement_surveys') }}
