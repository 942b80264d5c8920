-- Mentoring sessions. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'mentoring_sessions', extra_columns=["cast(timezone('UTC', scheduled_at) as date) as scheduled_on"]) }}
