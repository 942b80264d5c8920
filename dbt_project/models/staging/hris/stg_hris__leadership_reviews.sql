-- Leadership reviews held. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'leadership_reviews') }}
