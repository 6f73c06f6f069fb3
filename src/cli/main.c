/* placeholder */
typedef int pg_placeholder_main;
