// Builds the page into dist/ (esbuild: one bundle, every dependency from node_modules, nothing from a CDN).
//   node build.mjs           dist/ for deployment (and the browser tests)
//   node build.mjs --serve   the same, served at http://localhost:5173 and rebuilt on change (local use with `func start`)
//   node build.mjs --tests   the unit tests (test/*.test.ts) bundled for node and run with node's test runner
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const mode = process.argv[2] ?? "--build";

const page = {
  entryPoints: [join(root, "src", "main.ts")],
  bundle: true,
  format: "esm",
  target: "es2022",
  outfile: join(dist, "app.js"),
  sourcemap: true,
  minify: mode !== "--serve",
  legalComments: "linked",
  logLevel: "info",
};

function copyStatic() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  cpSync(join(root, "public"), dist, { recursive: true });
  // config.json: the one azd's hook (or you) wrote beside this script, else the sample (a gateway on localhost:7071).
  const config = existsSync(join(root, "config.json")) ? "config.json" : "config.sample.json";
  copyFileSync(join(root, config), join(dist, "config.json"));
}

if (mode === "--tests") {
  const out = join(root, ".test-build");
  rmSync(out, { recursive: true, force: true });
  const tests = readdirSync(join(root, "test")).filter((f) => f.endsWith(".test.ts"));
  await esbuild.build({
    entryPoints: tests.map((f) => join(root, "test", f)),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir: out,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  const run = spawnSync(process.execPath, ["--test", ...tests.map((f) => join(out, f.replace(/\.ts$/, ".mjs")))], { stdio: "inherit" });
  process.exit(run.status ?? 1);
} else if (mode === "--serve") {
  copyStatic();
  const context = await esbuild.context(page);
  await context.watch();
  const { port } = await context.serve({ servedir: dist, host: "localhost", port: 5173 });
  console.log(`Serving the page at http://localhost:${port} (gateway from dist/config.json). Ctrl+C stops.`);
} else {
  copyStatic();
  await esbuild.build(page);
}
