#ifndef PORTICO_CMYSQL_SHIM_H
#define PORTICO_CMYSQL_SHIM_H

// libmysqlclient as Debian ships it (libmariadb-dev-compat): pkg-config adds -I/usr/include/mariadb.
#include <mysql.h>

// Swift cannot see function-like macros; these name the values Portico needs.
static inline int portico_mysql_library_init(void) { return mysql_server_init(0, 0, 0); }

#endif
