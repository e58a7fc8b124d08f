import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../functions/openapi';

/**
 * The web app's API types, generated from the contract (functions/api.ts → OpenAPI) on every
 * typecheck and build: a route or schema change the UI depends on fails `npm run typecheck`.
 * Output: web/src/api/schema.d.ts (git-ignored).
 */
const out = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
const document = openApiDocument();
const ast = await openapiTS(JSON.parse(JSON.stringify(document)), { alphabetize: true });
mkdirSync(fileURLToPath(new URL('../src/api/', import.meta.url)), { recursive: true });
writeFileSync(out, `/** Generated from the API contract by web/scripts/openapi-types.ts. Do not edit. */\n${astToString(ast)}`);
