"""Communications on a cadence: drafts, posts and the public status page."""
