-- Quarterly strategic-impact ratings of leaders. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'strategic_impact_ratings') }}
