/* placeholder */
typedef int pg_placeholder_cmd_export;
