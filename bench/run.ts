/**
 * `npm run bench -- NAME [args…]` runs bench/NAME.ts, whose default export receives the remaining args.
 * Every bench ends with `BENCH NAME key=value …` lines; bench/README.md says what the figures mean.
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  if (name) console.error(`bench: unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- NAME\navailable: ${available.join(", ") || "(none)"}`);
  process.exit(name ? 2 : 1);
}

const bench = (await import(`./${name}.ts`)) as { default: (args: string[]) => Promise<void> };
try {
  await bench.default(args);
} catch (error) {
  console.error(`\nBENCH FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
