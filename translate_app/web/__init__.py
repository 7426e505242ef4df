"""Flask blueprints, one per audience: auth, review, coordinate and api."""
