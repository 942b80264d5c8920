-- Mentoring sessions. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'mentoring_sessions', extra_columns=[utc_date('scheduled_at') ~ ' as scheduled_on']) }}
