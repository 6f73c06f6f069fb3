/* placeholder */
typedef int pg_placeholder_common;
