"""Business rules of a small store. Imports neither telegram nor sqlalchemy."""
