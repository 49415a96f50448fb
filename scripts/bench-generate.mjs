// The benchmark's schemas: deterministic, the shape of issue 13. `node scripts/bench-generate.mjs N [--changed]` prints one.
const pad = (i) => String(i).padStart(5, '0');

/**
 * N tables of 9 columns each: an identity primary key, a unique code, a two-column index, a
 * check and a foreign key to the table before it (the first one to itself), and a column of the
 * enum `bench_status` on every fourth table. `changed`: every 20th table (5%) gains a column and
 * a new default, so its plan has 2 steps per such table.
 */
export function generate(n, changed = false) {
  const out = ['enums:', '  bench_status: [draft, active, archived]', 'tables:'];
  for (let i = 1; i <= n; i++) {
    const name = `t_${pad(i)}`;
    const parent = `t_${pad(i === 1 ? 1 : i - 1)}`;
    const touched = changed && i % 20 === 0;
    out.push(
      `  ${name}:`,
      '    columns:',
      '      id: { type: bigint, identity: by_default, primary_key: true }',
      '      code: { type: text, nullable: false }',
      '      name: text',
      '      amount: { type: numeric(12,2), nullable: false, default: 0 }',
      `      qty: { type: integer, nullable: false, default: ${touched ? 2 : 1} }`,
      '      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }',
      '      parent_id: bigint',
      '      note: varchar(200)',
      `      state: ${i % 4 === 0 ? 'bench_status' : 'text'}`,
      ...(touched ? ['      extra: text'] : []),
      '    unique:',
      `      ${name}_code_key: [code]`,
      '    checks:',
      `      ${name}_amount_check: amount >= 0`,
      '    indexes:',
      `      ${name}_parent_created_idx: { columns: [parent_id, created_at] }`,
      '    foreign_keys:',
      `      ${name}_parent_fkey: { columns: [parent_id], references: ${parent}(id) }`,
    );
  }
  return out.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.stdout.write(generate(Number.parseInt(process.argv[2] ?? '100', 10), process.argv.includes('--changed')));
