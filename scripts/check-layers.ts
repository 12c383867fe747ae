/**
 * The layering as a check, not a hope: a `*.domain.ts` file is pure. It may import other domain files,
 * the policy-pack schema and the platform's pure helpers, never the database, HTTP, another module's
 * store or routes, or Node's I/O.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const FORBIDDEN = [
  /from "kysely/,
  /from "fastify/,
  /from "pg"/,
  /from "@electric-sql/,
  /\.store\.ts"/,
  /\.routes\.ts"/,
  /\.jobs\.ts"/,
  /from "node:(fs|net|http|child_process)/,
  /\/db\//,
  /Date\.now\(\)/,
  /new Date\(\)/,
];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (name.endsWith(".domain.ts")) yield path;
  }
}

const problems: string[] = [];
for (const file of files("src")) {
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      for (const rule of FORBIDDEN)
        if (rule.test(line))
          problems.push(`${file}:${i + 1}: a domain file must stay pure (${rule}): ${line.trim()}`);
    });
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("layers: domain files are pure");
