/* placeholder: module not written yet */
typedef int pg_placeholder_graph_export;
