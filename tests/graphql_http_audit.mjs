// graphql-http's server audits (the GraphQL-over-HTTP spec's checks) against a running server.
//
//   node tests/graphql_http_audit.mjs PACKAGE_DIR URL
//
// PACKAGE_DIR is the folder whose node_modules holds graphql-http (`make audit-graphql-http`
// installs it there); URL is the GraphQL endpoint. Prints one JSON array on stdout:
// [{"id", "name", "status", "reason"?, "responseStatus"?}], one entry per audit, in the package's order.
import { createRequire } from "node:module";
import { join } from "node:path";

const [packageDir, url] = process.argv.slice(2);
if (!packageDir || !url) {
  console.error("usage: node graphql_http_audit.mjs PACKAGE_DIR URL");
  process.exit(2);
}
const { serverAudits } = createRequire(join(packageDir, "package.json"))("graphql-http");

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  // One at a time: the server's own order of work stays readable in its log.
  const result = await audit.fn();
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    entry.responseStatus = result.response.status;
  }
  results.push(entry);
}
console.log(JSON.stringify(results));
