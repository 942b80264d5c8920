-- Monthly 1:1 feedback collection per leader. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'one_on_one_feedback') }}
