-- Every person employed during the export window, current state. Columns, kind and key: lpss_pipeline/contract.
-- email_normalized: the loader's e-mail key (lpss_pipeline/contract/emails.py), the CRM join key.
{{ stage('hris', 'employees') }}
