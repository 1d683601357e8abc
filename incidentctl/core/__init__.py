"""The core vocabulary every layer shares: text cleaning and the secret gate."""
