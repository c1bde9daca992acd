public import Postgres

/// Text made safe for a log (see Postgres's ``Postgres/LogText``): the faces write every value a
/// client chose through it.
public typealias LogText = Postgres.LogText
