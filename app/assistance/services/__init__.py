"""Use cases of assistance centres, advisers and the access firms grant them."""
