// Runs graphql-http's auditServer against a running server and fails
// unless every MUST and SHOULD audit of GraphQL over HTTP passes. MAY
// audits are listed, not required.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  const level = result.name.split(' ')[0];
  const required = level === 'MUST' || level === 'SHOULD';
  const ok = result.status === 'ok';
  if (!ok && required) failed += 1;
  const mark = ok ? 'ok  ' : required ? 'FAIL' : 'may ';
  console.log(`${mark} ${result.name}${ok ? '' : `: ${result.reason}`}`);
}
const required = results.filter((r) => !r.name.startsWith('MAY')).length;
console.log(`\n${results.length} audits, ${required} MUST or SHOULD, ${failed} of those failed`);
if (results.length === 0) {
  console.error('no audits ran');
  process.exit(1);
}
process.exit(failed === 0 ? 0 : 1);
