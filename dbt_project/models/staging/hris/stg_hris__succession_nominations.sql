-- Successor slates of positions. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'succession_nominations') }}
