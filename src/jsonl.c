/* placeholder: module not written yet */
typedef int pg_placeholder_jsonl;
