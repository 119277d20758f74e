// The value types (`MySQLValue`, `MySQLRow`, `MySQLColumn`, dates and times) live in the C-free
// PorticoValues target, so the pure stages (shaping, planning) can use them without linking
// libmysqlclient. Users of the driver get them with `import PorticoMySQL`, as before.
@_exported public import PorticoValues
