// The names of PostgreSQL's built-in types (pg_catalog, PostgreSQL 15 to 18), for checking
// types offline in `schema validate`. Read from pg_type; keywords such as `integer` are
// normalised to these names by the parser before they are looked up.
export const BUILTIN_TYPES: ReadonlySet<string> = new Set([
  'aclitem', 'bit', 'bool', 'box', 'bpchar', 'bytea', 'char', 'cid', 'cidr', 'circle', 'date',
  'datemultirange', 'daterange', 'float4', 'float8', 'gtsvector', 'inet', 'int2', 'int2vector',
  'int4', 'int4multirange', 'int4range', 'int8', 'int8multirange', 'int8range', 'interval',
  'json', 'jsonb', 'jsonpath', 'line', 'lseg', 'macaddr', 'macaddr8', 'money', 'name', 'numeric',
  'nummultirange', 'numrange', 'oid', 'oidvector', 'path', 'pg_brin_bloom_summary',
  'pg_brin_minmax_multi_summary', 'pg_dependencies', 'pg_lsn', 'pg_mcv_list', 'pg_ndistinct',
  'pg_node_tree', 'pg_snapshot', 'point', 'polygon', 'refcursor', 'regclass', 'regcollation',
  'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc',
  'regprocedure', 'regrole', 'regtype', 'text', 'tid', 'time', 'timestamp', 'timestamptz',
  'timetz', 'tsmultirange', 'tsquery', 'tsrange', 'tstzmultirange', 'tstzrange', 'tsvector',
  'txid_snapshot', 'uuid', 'varbit', 'varchar', 'xid', 'xid8', 'xml',
]);

/** Names users write for types that are not types: serial types make an owned sequence. */
export const SERIAL_TYPES: ReadonlySet<string> = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** The spellings users know for the built-in names (for did-you-mean on a misspelt type). */
export const TYPE_SPELLINGS: readonly string[] = [
  'smallint', 'integer', 'bigint', 'int', 'numeric', 'decimal', 'real', 'double precision', 'boolean',
  'text', 'varchar', 'character varying', 'char', 'character', 'timestamp', 'timestamptz', 'date', 'time',
  'timetz', 'interval', 'uuid', 'json', 'jsonb', 'bytea', 'inet', 'cidr', 'macaddr', 'money', 'xml',
  'tsvector', 'tsquery', 'bit', 'varbit', 'point', 'int4range', 'int8range', 'numrange', 'tstzrange', 'daterange',
];
