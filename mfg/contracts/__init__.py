"""Data contracts: lake table schemas (``tables``) and Avro wire schemas (``*.avsc``)."""
