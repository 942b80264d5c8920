"""Hand-written references (one SQL script, plain pandas) that `lpss bench` times against the dbt build."""
