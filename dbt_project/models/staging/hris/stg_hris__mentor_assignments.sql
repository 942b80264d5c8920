-- Mentor-mentee pairs. Columns, kind and key: lpss_pipeline/contract.
{{ stage('hris', 'mentor_assignments') }}
