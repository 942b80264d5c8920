"""Loading export batches from the landing zone into the warehouse's ``raw`` schema."""
