"""Pure incident metrics: phase durations, aggregates, frequency, escalations, repeats."""
