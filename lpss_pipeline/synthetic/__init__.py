"""The demo organisation generator: HRIS and CRM export batches exactly per the contract."""
