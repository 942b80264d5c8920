"""Putting a home back in order after a crash: dead runs, held pool slots, interrupted publishes."""
