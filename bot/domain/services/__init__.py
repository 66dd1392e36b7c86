"""Use cases: one function each, one transaction each (`with uow: ... uow.commit()`)."""
