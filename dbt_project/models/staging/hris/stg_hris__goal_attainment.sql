-- Monthly goal attainment. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'goal_attainment') }}
